import { DTypeError, type Pool2dAttributes } from '@lantern/tensor';
import type { GpuView } from '../layout.js';
import { elementwiseWorkgroupSize, type KernelRuntime, workgroupsFor } from '../runtime.js';
import { declareBindings, entryPoint, floatHelpers } from '../wgsl/common.js';

/**
 * Max of each window and its flat index in the input's H·W plane, one invocation per output element. Padding never
 * wins, the first maximum wins ties, and a NaN wins and ends the scan, as in the cpu backend and PyTorch.
 */
export function maxPool2d(runtime: KernelRuntime) {
  return (input: GpuView, output: GpuView, indices: GpuView, attributes: Pool2dAttributes): void => {
    const type = runtime.storageType(input.dtype);
    if (type === 'u32') throw new DTypeError(`maxPool2d: backend '${runtime.backendName}' does not pool bool tensors`);
    const [batch, channels, height, width] = input.shape as [number, number, number, number];
    const [outHeight, outWidth] = [output.shape[2]!, output.shape[3]!];
    const count = batch * channels * outHeight * outWidth;
    if (count === 0) return;
    const lowest = type === 'f32' ? '-infValue()' : 'i32(-2147483647 - 1)';
    const isNan = type === 'f32' ? 'isNan(value)' : 'false';
    const pipeline = runtime.gpu.pipeline(
      `maxPool2d:${type}`,
      () => `${declareBindings([
        { name: 'input', type, writable: false },
        { name: 'output', type, writable: true },
        { name: 'indices', type: 'i32', writable: true },
      ])}
${floatHelpers}
${entryPoint(elementwiseWorkgroupSize)}
  if (index >= u32(params[0])) { return; }
  let height = params[1];
  let width = params[2];
  let outWidth = params[4];
  let plane = i32(index) / (params[3] * outWidth);
  let position = i32(index) % (params[3] * outWidth);
  let top = (position / outWidth) * params[7] - params[9];
  let left = (position % outWidth) * params[8] - params[10];
  let base = params[13] + plane * height * width;
  var best = ${lowest};
  var bestIndex = -1;
  var done = false;
  for (var i = 0; i < params[5] && !done; i++) {
    let h = top + i * params[11];
    if (h < 0 || h >= height) { continue; }
    for (var j = 0; j < params[6]; j++) {
      let w = left + j * params[12];
      if (w < 0 || w >= width) { continue; }
      let value = input[base + h * width + w];
      if (value > best || ${isNan} || bestIndex < 0) {
        best = value;
        bestIndex = h * width + w;
        if (${isNan}) { done = true; break; }
      }
    }
  }
  output[params[14] + i32(index)] = best;
  indices[params[15] + i32(index)] = bestIndex;
}`,
    );
    const words = [
      count,
      height,
      width,
      outHeight,
      outWidth,
      ...attributes.kernelSize,
      ...attributes.stride,
      ...attributes.padding,
      ...attributes.dilation,
      input.offset,
      output.offset,
      indices.offset,
    ];
    runtime.gpu.dispatch(
      pipeline,
      [runtime.input(input), runtime.output(output), runtime.output(indices)],
      Int32Array.from(words),
      workgroupsFor(count),
    );
  };
}

/**
 * Routes each output gradient to its saved index, one invocation per gradOutput element, into gradInput cleared
 * first (the kernel sets all of it: core's contract). Overlapping windows can send several gradients to one input, so
 * the add is an atomic compare-and-swap loop on the float's bits (WGSL has no float atomics); without overlap each
 * input receives at most one gradient and the result is exact.
 */
export function maxPool2dBackward(runtime: KernelRuntime) {
  return (gradOutput: GpuView, indices: GpuView, gradInput: GpuView): void => {
    if (gradOutput.dtype !== 'float32') {
      throw new DTypeError(
        `maxPool2dBackward: backend '${runtime.backendName}' expects float32 gradients, got ${gradOutput.dtype}`,
      );
    }
    const [batch, channels, outHeight, outWidth] = gradOutput.shape as [number, number, number, number];
    const count = batch * channels * outHeight * outWidth;
    const pipeline = runtime.gpu.pipeline(
      'maxPool2dBackward',
      () => `${declareBindings([
        { name: 'gradOutput', type: 'f32', writable: false },
        { name: 'indices', type: 'i32', writable: false },
        { name: 'gradInput', type: 'atomic<u32>', writable: true },
      ])}
${entryPoint(elementwiseWorkgroupSize)}
  if (index >= u32(params[0])) { return; }
  let plane = i32(index) / params[1];
  let at = u32(params[5] + plane * params[2] + indices[params[4] + i32(index)]);
  let gradient = gradOutput[params[3] + i32(index)];
  var old = atomicLoad(&gradInput[at]);
  loop {
    let swap = atomicCompareExchangeWeak(&gradInput[at], old, bitcast<u32>(bitcast<f32>(old) + gradient));
    if (swap.exchanged) { break; }
    old = swap.old_value;
  }
}`,
    );
    const words = [
      count,
      outHeight * outWidth,
      gradInput.shape[2]! * gradInput.shape[3]!,
      gradOutput.offset,
      indices.offset,
      gradInput.offset,
    ];
    runtime.gpu.dispatch(
      pipeline,
      [runtime.input(gradOutput), runtime.input(indices), runtime.outputCleared(gradInput)],
      Int32Array.from(words),
      workgroupsFor(count),
    );
  };
}
