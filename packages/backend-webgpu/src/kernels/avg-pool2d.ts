import { type AvgPool2dAttributes, DTypeError } from '@lantern/tensor';
import type { GpuView } from '../layout.js';
import { elementwiseWorkgroupSize, type KernelRuntime, workgroupsFor } from '../runtime.js';
import { declareBindings, entryPoint } from '../wgsl/common.js';

// One output position's window, clipped to the input, and its divisor: PyTorch's avg_pool2d rules (the divisor counts
// padding only inside the padded input, never ceil mode's overhang, and only with countIncludePad).
// params: 0 count, 1 H, 2 W, 3 OH, 4 OW, 5 KH, 6 KW, 7 SH, 8 SW, 9 PH, 10 PW, 11 countIncludePad, 12 override (0: none),
// then the views' offsets.
const averageWindow = `
struct Window { top: i32, bottom: i32, left: i32, right: i32, divisor: f32 }
fn averageWindow(oh: i32, ow: i32) -> Window {
  let top = oh * params[7] - params[9];
  let left = ow * params[8] - params[10];
  let paddedBottom = min(top + params[5], params[1] + params[9]);
  let paddedRight = min(left + params[6], params[2] + params[10]);
  var window = Window(max(top, 0), min(paddedBottom, params[1]), max(left, 0), min(paddedRight, params[2]), 1.0);
  if (params[12] != 0) {
    window.divisor = f32(params[12]);
  } else if (params[11] != 0) {
    window.divisor = f32((paddedBottom - top) * (paddedRight - left));
  } else {
    window.divisor = f32((window.bottom - window.top) * (window.right - window.left));
  }
  return window;
}`;

function parameterWords(input: readonly number[], output: readonly number[], attributes: AvgPool2dAttributes): number[] {
  const [batch, channels, height, width] = input as [number, number, number, number];
  const [outHeight, outWidth] = [output[2]!, output[3]!];
  return [
    batch * channels * outHeight * outWidth,
    height,
    width,
    outHeight,
    outWidth,
    ...attributes.kernelSize,
    ...attributes.stride,
    ...attributes.padding,
    attributes.countIncludePad ? 1 : 0,
    attributes.divisorOverride ?? 0,
  ];
}

function checkFloat32(runtime: KernelRuntime, op: string, view: GpuView): void {
  if (view.dtype !== 'float32') {
    throw new DTypeError(`${op}: backend '${runtime.backendName}' averages float32 tensors, got ${view.dtype}`);
  }
}

/** Each window's sum over its divisor, one invocation per output element. */
export function avgPool2d(runtime: KernelRuntime) {
  return (input: GpuView, output: GpuView, attributes: AvgPool2dAttributes): void => {
    checkFloat32(runtime, 'avgPool2d', input);
    const words = parameterWords(input.shape, output.shape, attributes);
    if (words[0] === 0) return;
    const pipeline = runtime.gpu.pipeline(
      'avgPool2d',
      () => `${declareBindings([
        { name: 'input', type: 'f32', writable: false },
        { name: 'output', type: 'f32', writable: true },
      ])}
${averageWindow}
${entryPoint(elementwiseWorkgroupSize)}
  if (index >= u32(params[0])) { return; }
  let outPlane = params[3] * params[4];
  let plane = i32(index) / outPlane;
  let position = i32(index) % outPlane;
  let window = averageWindow(position / params[4], position % params[4]);
  let base = params[13] + plane * params[1] * params[2];
  var sum = 0.0;
  for (var h = window.top; h < window.bottom; h++) {
    for (var w = window.left; w < window.right; w++) { sum += input[base + h * params[2] + w]; }
  }
  output[params[14] + i32(index)] = sum / window.divisor;
}`,
    );
    runtime.gpu.dispatch(
      pipeline,
      [runtime.input(input), runtime.output(output)],
      Int32Array.from([...words, input.offset, output.offset]),
      workgroupsFor(words[0]!),
    );
  };
}

/**
 * Each input element gathers the gradients of the windows that contain it, one invocation per input element, so no
 * two invocations write the same place (no atomics, deterministic order).
 */
export function avgPool2dBackward(runtime: KernelRuntime) {
  return (gradOutput: GpuView, gradInput: GpuView, attributes: AvgPool2dAttributes): void => {
    checkFloat32(runtime, 'avgPool2dBackward', gradOutput);
    const words = parameterWords(gradInput.shape, gradOutput.shape, attributes);
    const inputCount = gradInput.shape.reduce((a, b) => a * b, 1);
    if (inputCount === 0 || words[0] === 0) return;
    const pipeline = runtime.gpu.pipeline(
      'avgPool2dBackward',
      () => `${declareBindings([
        { name: 'gradOutput', type: 'f32', writable: false },
        { name: 'gradInput', type: 'f32', writable: true },
      ])}
${averageWindow}
${entryPoint(elementwiseWorkgroupSize)}
  let inPlane = params[1] * params[2];
  if (index >= u32(params[15])) { return; }
  let plane = i32(index) / inPlane;
  let h = (i32(index) % inPlane) / params[2];
  let w = i32(index) % params[2];
  // Windows starting at oh * SH - PH cover h when h - KH < oh * SH - PH <= h.
  let firstRow = max(0, (h + params[9] - params[5] + params[7]) / params[7]);
  let lastRow = min(params[3] - 1, (h + params[9]) / params[7]);
  let firstColumn = max(0, (w + params[10] - params[6] + params[8]) / params[8]);
  let lastColumn = min(params[4] - 1, (w + params[10]) / params[8]);
  let base = params[13] + plane * params[3] * params[4];
  var sum = 0.0;
  for (var oh = firstRow; oh <= lastRow; oh++) {
    for (var ow = firstColumn; ow <= lastColumn; ow++) {
      let window = averageWindow(oh, ow);
      if (h >= window.top && h < window.bottom && w >= window.left && w < window.right) {
        sum += gradOutput[base + oh * params[4] + ow] / window.divisor;
      }
    }
  }
  gradInput[params[14] + i32(index)] = sum;
}`,
    );
    runtime.gpu.dispatch(
      pipeline,
      [runtime.input(gradOutput), runtime.output(gradInput)],
      Int32Array.from([...words, gradOutput.offset, gradInput.offset, inputCount]),
      workgroupsFor(inputCount),
    );
  };
}
