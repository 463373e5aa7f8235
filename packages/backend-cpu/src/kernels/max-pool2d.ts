import type { Pool2dAttributes, TensorView, TypedArray } from '@lantern/tensor';

/** Max of each window (padding never wins) and its flat index in the H*W plane; NaN wins, as in PyTorch. */
export function maxPool2d(
  input: TensorView<TypedArray>,
  output: TensorView<TypedArray>,
  indices: TensorView<TypedArray>,
  attributes: Pool2dAttributes,
): void {
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const [outHeight, outWidth] = [output.shape[2]!, output.shape[3]!];
  const [kh, kw] = attributes.kernelSize,
    [sh, sw] = attributes.stride;
  const [ph, pw] = attributes.padding,
    [dh, dw] = attributes.dilation;
  const x = input.handle,
    y = output.handle,
    index = indices.handle;
  for (let plane = 0; plane < batch * channels; plane++) {
    const inBase = input.offset + plane * height * width;
    const outBase = plane * outHeight * outWidth;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        let best = -Infinity,
          bestIndex = -1;
        for (let i = 0; i < kh; i++) {
          const h = oh * sh - ph + i * dh;
          if (h < 0 || h >= height) continue;
          for (let j = 0; j < kw; j++) {
            const w = ow * sw - pw + j * dw;
            if (w < 0 || w >= width) continue;
            const value = x[inBase + h * width + w]!;
            if (value > best || Number.isNaN(value) || bestIndex < 0) {
              best = value;
              bestIndex = h * width + w;
              if (Number.isNaN(value)) {
                i = kh;
                break;
              }
            }
          }
        }
        y[output.offset + outBase + oh * outWidth + ow] = best;
        index[indices.offset + outBase + oh * outWidth + ow] = bestIndex;
      }
    }
  }
}

/** Routes each output gradient to its saved index, accumulating where windows overlap; sets all of gradInput. */
export function maxPool2dBackward(
  gradOutput: TensorView<TypedArray>,
  indices: TensorView<TypedArray>,
  gradInput: TensorView<TypedArray>,
): void {
  const [batch, channels, outHeight, outWidth] = gradOutput.shape as [number, number, number, number];
  const planeIn = gradInput.shape[2]! * gradInput.shape[3]!,
    planeOut = outHeight * outWidth;
  const g = gradOutput.handle,
    index = indices.handle,
    gx = gradInput.handle;
  gx.fill(0, gradInput.offset, gradInput.offset + batch * channels * planeIn);
  for (let plane = 0; plane < batch * channels; plane++) {
    const inBase = gradInput.offset + plane * planeIn,
      outBase = plane * planeOut;
    for (let p = 0; p < planeOut; p++) gx[inBase + index[indices.offset + outBase + p]!] += g[gradOutput.offset + outBase + p]!;
  }
}
