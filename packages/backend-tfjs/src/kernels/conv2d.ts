import type { Conv2dAttributes } from '@lantern/tensor';
import { tf } from '../tfjs.js';
import { readView, type View, writeView } from '../views.js';
import { explicitPadding, nchwToNhwc, nhwcToNchw, oihwToHwio, perGroup } from './conv-layout.js';

/** conv2d forward: tf.conv2d in NHWC with an HWIO filter, bias added on the channel axis, back to NCHW. */
export function conv2d(input: View, weight: View, bias: View | null, output: View, attributes: Conv2dAttributes): void {
  tf.tidy(() => {
    const x = nchwToNhwc(readView(input)) as tf.Tensor4D;
    const filter = oihwToHwio(readView(weight)) as tf.Tensor4D;
    let y = perGroup(attributes.groups, [x, filter], (xGroup, filterGroup) =>
      tf.conv2d(xGroup as tf.Tensor4D, filterGroup as tf.Tensor4D, [...attributes.stride], explicitPadding(attributes), 'NHWC', [
        ...attributes.dilation,
      ]),
    );
    if (bias) y = tf.add(y, readView(bias));
    writeView(output, nhwcToNchw(y));
  });
}
