import type { Conv2dAttributes } from '@lantern/tensor';
import { type TfTensor, tf } from '../tfjs.js';
import { readView, type View, writeView } from '../views.js';
import { explicitPadding } from './conv-layout.js';

/**
 * dL/dweight as one more forward convolution: dW[o, c, i, j] = Σ x_padded[n, c, oh·s + i·d, ow·s + j·d]·dy[n, o, oh, ow]
 * is a Conv2D of the input with batch and channel axes swapped ([C, H, W, N]) by gradOutput as the filter
 * ([OH, OW, N, O]), with stride and dilation exchanged; its first KH × KW outputs are the gradient. tfjs's own
 * Conv2DBackpropFilter kernel is missing on its wasm backend and, on its cpu backend, 40-60× slower than its Conv2D
 * at the course CNN's shapes (BENCHMARKS.md), so this needs only Conv2D.
 */
export function conv2dBackwardWeight(gradOutput: View, input: View, gradWeight: View, attributes: Conv2dAttributes): void {
  tf.tidy(() => {
    const [outChannels, channelsPerGroup, kernelHeight, kernelWidth] = gradWeight.shape as [number, number, number, number];
    const groups = attributes.groups;
    const images = tf.split(tf.transpose(readView(input), [1, 2, 3, 0]), groups, 0);
    const filters = tf.split(tf.transpose(readView(gradOutput), [2, 3, 0, 1]), groups, 3);
    const parts = images.map((image, group) => {
      const swapped = tf.conv2d(
        image as tf.Tensor4D,
        filters[group] as tf.Tensor4D,
        [...attributes.dilation],
        explicitPadding(attributes),
        'NHWC',
        [...attributes.stride],
      );
      const kept = tf.slice(swapped, [0, 0, 0, 0], [channelsPerGroup, kernelHeight, kernelWidth, outChannels / groups]);
      return tf.transpose(kept, [3, 0, 1, 2]);
    });
    writeView(gradWeight, parts.length === 1 ? parts[0]! : tf.concat(parts as TfTensor[], 0));
  });
}
