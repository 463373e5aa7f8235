import type { Pool2dAttributes } from '@lantern/tensor';
import { hasQuirk } from '../quirks.js';
import { type TfTensor, tf } from '../tfjs.js';
import { readView, type View, writeView } from '../views.js';

// tfjs turns a JS number operand into a float32 scalar and upcasts the other operand to match, so index arithmetic
// takes its constants as int32 scalars to stay in int32 (ScatterNd wants int32 indices).
const int = (value: number) => tf.scalar(value, 'int32');

/**
 * Pads with -Infinity so that padding never wins, and far enough on the bottom/right for every output window (core
 * sizes the output with PyTorch's ceil-mode rule; tfjs's 'valid' pooling then gives exactly that size).
 */
function padForPooling(x: TfTensor, outputShape: readonly number[], attributes: Pool2dAttributes): TfTensor {
  const [, , height, width] = x.shape as number[];
  const [kh, kw] = attributes.kernelSize,
    [sh, sw] = attributes.stride,
    [ph, pw] = attributes.padding,
    [dh, dw] = attributes.dilation;
  const neededHeight = (outputShape[2]! - 1) * sh + (kh - 1) * dh + 1;
  const neededWidth = (outputShape[3]! - 1) * sw + (kw - 1) * dw + 1;
  const bottom = Math.max(neededHeight - height! - ph, 0),
    right = Math.max(neededWidth - width! - pw, 0);
  if (ph === 0 && pw === 0 && bottom === 0 && right === 0) return x;
  return tf.pad(
    x,
    [
      [0, 0],
      [0, 0],
      [ph, bottom],
      [pw, right],
    ],
    -Infinity,
  );
}

/**
 * tfjs's MaxPoolWithArgmax (on the backends that have it). Pooling never mixes channels, so the NCHW input is viewed
 * (a free reshape) as N·C single-channel NHWC images: no layout transposes, and the flat index tfjs reports,
 * (y·W + x)·C + c with C = 1, is the index in the padded plane; first maximum on ties, as PyTorch. Mapped back to
 * PyTorch's index in the unpadded H×W plane.
 */
function poolWithArgmax(x: TfTensor, padded: TfTensor, attributes: Pool2dAttributes): [TfTensor, TfTensor] {
  const [batch, channels, paddedHeight, paddedWidth] = padded.shape as [number, number, number, number];
  const images = tf.reshape(padded, [batch * channels, paddedHeight, paddedWidth, 1]) as tf.Tensor4D;
  const { result, indexes } = tf.maxPoolWithArgmax(
    images,
    [...attributes.kernelSize],
    [...attributes.stride],
    'valid',
    false,
  ) as { result: TfTensor; indexes: TfTensor };
  const outputShape = [batch, channels, result.shape[1]!, result.shape[2]!];
  let index = tf.reshape(indexes, outputShape);
  const [top, left] = attributes.padding;
  if (top !== 0 || left !== 0 || paddedWidth !== x.shape[3]) {
    const row = tf.floorDiv(index, int(paddedWidth)),
      column = tf.sub(index, tf.mul(row, int(paddedWidth)));
    index = tf.add(tf.mul(tf.sub(row, int(top)), int(x.shape[3]!)), tf.sub(column, int(left)));
  }
  return [tf.reshape(result, outputShape), index];
}

/**
 * The composition for backends without MaxPoolWithArgmax (and for dilation): one strided slice per kernel offset,
 * stacked, then max and argMax over the offsets (argMax keeps the first, PyTorch's choice on ties). The window index k
 * becomes the plane index (oh·sh - ph + ⌊k/KW⌋·dh)·W + (ow·sw - pw + (k mod KW)·dw).
 */
export function poolByComposition(
  x: TfTensor,
  padded: TfTensor,
  outputShape: readonly number[],
  attributes: Pool2dAttributes,
): [TfTensor, TfTensor] {
  const [batch, channels, outHeight, outWidth] = outputShape as [number, number, number, number];
  const [kh, kw] = attributes.kernelSize,
    [sh, sw] = attributes.stride,
    [ph, pw] = attributes.padding,
    [dh, dw] = attributes.dilation;
  const windows: TfTensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const begin = [0, 0, i * dh, j * dw];
      const end = [batch, channels, i * dh + (outHeight - 1) * sh + 1, j * dw + (outWidth - 1) * sw + 1];
      windows.push(tf.stridedSlice(padded, begin, end, [1, 1, sh, sw]));
    }
  }
  const stacked = tf.stack(windows);
  const window = tf.argMax(stacked, 0);
  const rowBase = tf.reshape(tf.sub(tf.mul(tf.range(0, outHeight, 1, 'int32'), int(sh)), int(ph)), [outHeight, 1]);
  const columnBase = tf.reshape(tf.sub(tf.mul(tf.range(0, outWidth, 1, 'int32'), int(sw)), int(pw)), [1, outWidth]);
  const kernelRow = tf.floorDiv(window, int(kw)),
    kernelColumn = tf.sub(window, tf.mul(kernelRow, int(kw)));
  const row = tf.add(rowBase, tf.mul(kernelRow, int(dh))),
    column = tf.add(columnBase, tf.mul(kernelColumn, int(dw)));
  return [tf.max(stacked, 0), tf.add(tf.mul(row, int(x.shape[3]!)), column)];
}

let preferComposition = false;

/** For tests: run the composition even where tfjs has MaxPoolWithArgmax. */
export function setMaxPoolComposition(enabled: boolean): void {
  preferComposition = enabled;
}

/** Max of each window and its flat index in the input's H*W plane (PyTorch's return_indices). */
export function maxPool2d(input: View, output: View, indices: View, attributes: Pool2dAttributes): void {
  tf.tidy(() => {
    const x = readView(input);
    const padded = padForPooling(x, output.shape, attributes);
    const dilated = attributes.dilation[0] !== 1 || attributes.dilation[1] !== 1;
    const native =
      !preferComposition &&
      !dilated &&
      tf.getKernel('MaxPoolWithArgmax', tf.getBackend()) !== undefined &&
      !hasQuirk('maxPoolWithArgmaxIsWrong');
    const [values, planeIndices] = native
      ? poolWithArgmax(x, padded, attributes)
      : poolByComposition(x, padded, output.shape, attributes);
    writeView(output, values);
    writeView(indices, planeIndices);
  });
}

/**
 * Routes each output gradient to its saved index with a ScatterNd over the flattened input (which sums where windows
 * overlap); the scattered tensor replaces all of gradInput (core's contract: the kernel sets every element).
 */
export function maxPool2dBackward(gradOutput: View, indices: View, gradInput: View): void {
  tf.tidy(() => {
    const [batch, channels, height, width] = gradInput.shape as [number, number, number, number];
    const planes = batch * channels,
      windowCount = gradOutput.shape[2]! * gradOutput.shape[3]!;
    const planeStart = tf.reshape(tf.mul(tf.range(0, planes, 1, 'int32'), int(height * width)), [planes, 1]);
    const flatIndex = tf.add(tf.cast(tf.reshape(readView(indices), [planes, windowCount]), 'int32'), planeStart);
    const updates = tf.reshape(readView(gradOutput), [planes * windowCount]);
    const total = planes * height * width;
    const scattered = tf.scatterND(tf.reshape(flatIndex, [planes * windowCount, 1]), updates, [total]);
    writeView(gradInput, tf.reshape(scattered, [batch, channels, height, width]));
  });
}
