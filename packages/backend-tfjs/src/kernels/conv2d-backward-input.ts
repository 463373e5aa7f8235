import type { Conv2dAttributes } from '@lantern/tensor';
import { type TfTensor, tf } from '../tfjs.js';
import { readView, type View, writeView } from '../views.js';
import { explicitPadding, nchwToNhwc, nhwcToNchw, oihwToHwio, perGroup } from './conv-layout.js';

/**
 * dL/dinput through tfjs's Conv2DBackpropInput kernel (its public conv2dTranspose takes no explicit padding), which
 * also takes the input shape: with a stride above 1 several input sizes give one output size.
 */
export function conv2dBackwardInput(gradOutput: View, weight: View, gradInput: View, attributes: Conv2dAttributes): void {
  tf.tidy(() => {
    const dy = nchwToNhwc(readView(gradOutput));
    const filter = oihwToHwio(readView(weight));
    const [batch, channels, height, width] = gradInput.shape as [number, number, number, number];
    const inputShape: [number, number, number, number] = [batch, height, width, channels / attributes.groups];
    const dx = perGroup(
      attributes.groups,
      [dy, filter],
      (dyGroup, filterGroup) =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dyGroup!, filter: filterGroup! }, {
          strides: [...attributes.stride],
          pad: explicitPadding(attributes),
          dataFormat: 'NHWC',
          inputShape,
        } as never) as TfTensor,
    );
    writeView(gradInput, nhwcToNchw(dx));
  });
}
