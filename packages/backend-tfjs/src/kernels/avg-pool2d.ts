import type { AvgPool2dAttributes } from '@lantern/tensor';
import { type TfTensor, tf } from '../tfjs.js';
import { readView, type View, writeView } from '../views.js';

/**
 * Why tfjs's AvgPool cannot give PyTorch's result for these attributes, or null. tfjs divides every 'valid' window by
 * its size, which is PyTorch's divisor once the zero padding is explicit, unless padding is excluded from the count,
 * a divisor is imposed, or ceil mode lets the last window hang past the padded input.
 */
export function unsupportedAvgPoolAttributes(
  inputShape: readonly number[],
  outputShape: readonly number[],
  attributes: AvgPool2dAttributes,
): string | null {
  if (attributes.divisorOverride !== null) return 'tfjs AvgPool has no divisor override';
  const [ph, pw] = attributes.padding;
  if (!attributes.countIncludePad && (ph > 0 || pw > 0)) return 'tfjs AvgPool cannot leave padding out of the divisor';
  for (const axis of [0, 1]) {
    const covered = (outputShape[2 + axis]! - 1) * attributes.stride[axis]! + attributes.kernelSize[axis]!;
    if (covered > inputShape[2 + axis]! + 2 * attributes.padding[axis]!) return 'tfjs AvgPool has no ceil mode';
  }
  return null;
}

/** NCHW as N·C single-channel NHWC images (pooling never mixes channels), zero-padded as PyTorch pads. */
function paddedImages(x: TfTensor, attributes: AvgPool2dAttributes): tf.Tensor4D {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const [ph, pw] = attributes.padding;
  const images = tf.reshape(x, [batch * channels, height, width, 1]) as tf.Tensor4D;
  if (ph === 0 && pw === 0) return images;
  return tf.pad(images, [
    [0, 0],
    [ph, ph],
    [pw, pw],
    [0, 0],
  ]);
}

const pool = (images: tf.Tensor4D, attributes: AvgPool2dAttributes) =>
  tf.avgPool(images, [...attributes.kernelSize], [...attributes.stride], 'valid');

/** tfjs's AvgPool over the explicitly padded images. */
export function avgPool2d(input: View, output: View, attributes: AvgPool2dAttributes): void {
  tf.tidy(() => {
    const pooled = pool(paddedImages(readView(input), attributes), attributes);
    writeView(output, tf.reshape(pooled, [...output.shape]));
  });
}

/** tfjs's AvgPoolGrad kernel (run directly: tfjs-core alone registers no gradient functions), padding cut away. */
export function avgPool2dBackward(gradOutput: View, gradInput: View, attributes: AvgPool2dAttributes): void {
  tf.tidy(() => {
    const [batch, channels, height, width] = gradInput.shape as [number, number, number, number];
    const images = paddedImages(tf.zeros([batch, channels, height, width], 'float32'), attributes);
    const [outHeight, outWidth] = [gradOutput.shape[2]!, gradOutput.shape[3]!];
    const dy = tf.reshape(readView(gradOutput), [batch * channels, outHeight, outWidth, 1]);
    const gradient = tf.engine().runKernel('AvgPoolGrad', { dy, input: images }, {
      filterSize: [...attributes.kernelSize],
      strides: [...attributes.stride],
      pad: 'valid',
    } as unknown as tf.NamedAttrMap) as TfTensor;
    const [ph, pw] = attributes.padding;
    const inside = tf.slice(gradient, [0, ph, pw, 0], [batch * channels, height, width, 1]);
    writeView(gradInput, tf.reshape(inside, [batch, channels, height, width]));
  });
}
