import type { AvgPool2dAttributes, TensorView, TypedArray } from '@lantern/tensor';

/** One output position's window, clipped to the input, and its divisor: PyTorch's avg_pool2d rules. */
interface AverageWindow {
  top: number;
  bottom: number;
  left: number;
  right: number;
  divisor: number;
}

/**
 * Fills `window` for output (oh, ow): the divisor counts padding only within the padded input (never the ceil-mode
 * overhang), and only when countIncludePad; divisorOverride replaces it.
 */
function averageWindow(
  window: AverageWindow,
  oh: number,
  ow: number,
  height: number,
  width: number,
  attributes: AvgPool2dAttributes,
): void {
  const [kh, kw] = attributes.kernelSize,
    [sh, sw] = attributes.stride,
    [ph, pw] = attributes.padding;
  const top = oh * sh - ph,
    left = ow * sw - pw;
  const paddedBottom = Math.min(top + kh, height + ph),
    paddedRight = Math.min(left + kw, width + pw);
  window.top = Math.max(top, 0);
  window.left = Math.max(left, 0);
  window.bottom = Math.min(paddedBottom, height);
  window.right = Math.min(paddedRight, width);
  window.divisor =
    attributes.divisorOverride ??
    (attributes.countIncludePad
      ? (paddedBottom - top) * (paddedRight - left)
      : (window.bottom - window.top) * (window.right - window.left));
}

/** Sum of each window over its divisor. */
export function avgPool2d(input: TensorView<TypedArray>, output: TensorView<TypedArray>, attributes: AvgPool2dAttributes): void {
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const [outHeight, outWidth] = [output.shape[2]!, output.shape[3]!];
  const x = input.handle,
    y = output.handle;
  const window: AverageWindow = { top: 0, bottom: 0, left: 0, right: 0, divisor: 1 };
  for (let oh = 0; oh < outHeight; oh++) {
    for (let ow = 0; ow < outWidth; ow++) {
      averageWindow(window, oh, ow, height, width, attributes);
      for (let plane = 0; plane < batch * channels; plane++) {
        const inBase = input.offset + plane * height * width;
        let sum = 0;
        for (let h = window.top; h < window.bottom; h++) {
          for (let w = window.left; w < window.right; w++) sum += x[inBase + h * width + w]!;
        }
        y[output.offset + (plane * outHeight + oh) * outWidth + ow] = sum / window.divisor;
      }
    }
  }
}

/**
 * Spreads each output gradient over its window, divided by the same divisor; overlapping windows accumulate. Sets all
 * of gradInput (it is zeroed first: core's contract, so callers need not hand in zeros).
 */
export function avgPool2dBackward(
  gradOutput: TensorView<TypedArray>,
  gradInput: TensorView<TypedArray>,
  attributes: AvgPool2dAttributes,
): void {
  const [batch, channels, height, width] = gradInput.shape as [number, number, number, number];
  const [outHeight, outWidth] = [gradOutput.shape[2]!, gradOutput.shape[3]!];
  const g = gradOutput.handle,
    gx = gradInput.handle;
  gx.fill(0, gradInput.offset, gradInput.offset + batch * channels * height * width);
  const window: AverageWindow = { top: 0, bottom: 0, left: 0, right: 0, divisor: 1 };
  for (let oh = 0; oh < outHeight; oh++) {
    for (let ow = 0; ow < outWidth; ow++) {
      averageWindow(window, oh, ow, height, width, attributes);
      for (let plane = 0; plane < batch * channels; plane++) {
        const share = g[gradOutput.offset + (plane * outHeight + oh) * outWidth + ow]! / window.divisor;
        const inBase = gradInput.offset + plane * height * width;
        for (let h = window.top; h < window.bottom; h++) {
          for (let w = window.left; w < window.right; w++) gx[inBase + h * width + w] += share;
        }
      }
    }
  }
}
