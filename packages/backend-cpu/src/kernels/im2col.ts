import type { Conv2dAttributes } from '@lantern/tensor';

/** Geometry of one convolution, from the input and weight shapes. */
export interface ConvGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly outChannels: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly attributes: Conv2dAttributes;
}

export function convGeometry(
  inputShape: readonly number[],
  weightShape: readonly number[],
  outputShape: readonly number[],
  attributes: Conv2dAttributes,
): ConvGeometry {
  return {
    batch: inputShape[0]!,
    channels: inputShape[1]!,
    height: inputShape[2]!,
    width: inputShape[3]!,
    outChannels: weightShape[0]!,
    kernelHeight: weightShape[2]!,
    kernelWidth: weightShape[3]!,
    outHeight: outputShape[2]!,
    outWidth: outputShape[3]!,
    attributes,
  };
}

/**
 * Unfolds channels [c0, c0 + count) of image `n` into columns[(c*KH + i)*KW + j][oh*OW + ow], zero where the window
 * reaches into padding.
 */
export function im2col(
  input: ArrayLike<number>,
  inputOffset: number,
  g: ConvGeometry,
  c0: number,
  count: number,
  columns: Float64Array,
): void {
  const { height, width, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const [sh, sw] = g.attributes.stride,
    [ph, pw] = g.attributes.padding,
    [dh, dw] = g.attributes.dilation;
  const plane = outHeight * outWidth;
  let row = 0;
  for (let c = c0; c < c0 + count; c++) {
    const channelBase = inputOffset + c * height * width;
    for (let i = 0; i < kernelHeight; i++) {
      for (let j = 0; j < kernelWidth; j++, row++) {
        const rowBase = row * plane;
        for (let oh = 0; oh < outHeight; oh++) {
          const h = oh * sh - ph + i * dh;
          const out = rowBase + oh * outWidth;
          if (h < 0 || h >= height) {
            columns.fill(0, out, out + outWidth);
            continue;
          }
          const lineBase = channelBase + h * width;
          for (let ow = 0, w = j * dw - pw; ow < outWidth; ow++, w += sw) {
            columns[out + ow] = w >= 0 && w < width ? input[lineBase + w]! : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds columns back into image `n`'s channels [c0, c0 + count) of `gradInput`. */
export function col2imAdd(
  columns: Float64Array,
  g: ConvGeometry,
  c0: number,
  count: number,
  gradInput: Float32Array | Float64Array,
  inputOffset: number,
): void {
  const { height, width, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const [sh, sw] = g.attributes.stride,
    [ph, pw] = g.attributes.padding,
    [dh, dw] = g.attributes.dilation;
  const plane = outHeight * outWidth;
  let row = 0;
  for (let c = c0; c < c0 + count; c++) {
    const channelBase = inputOffset + c * height * width;
    for (let i = 0; i < kernelHeight; i++) {
      for (let j = 0; j < kernelWidth; j++, row++) {
        for (let oh = 0; oh < outHeight; oh++) {
          const h = oh * sh - ph + i * dh;
          if (h < 0 || h >= height) continue;
          const lineBase = channelBase + h * width,
            source = row * plane + oh * outWidth;
          for (let ow = 0, w = j * dw - pw; ow < outWidth; ow++, w += sw) {
            if (w >= 0 && w < width) gradInput[lineBase + w] += columns[source + ow]!;
          }
        }
      }
    }
  }
}

let scratch = new Float64Array(0);

/** A reusable column buffer: convolutions run one at a time on the cpu backend. */
export function columnBuffer(size: number): Float64Array {
  if (scratch.length < size) scratch = new Float64Array(size);
  return scratch;
}
