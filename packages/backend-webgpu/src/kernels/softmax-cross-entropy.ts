import { DTypeError } from '@lantern/tensor';
import type { GpuView } from '../layout.js';
import type { KernelRuntime } from '../runtime.js';
import { declareBindings, entryPoint, floatHelpers } from '../wgsl/common.js';

const workgroupSize = 64;

/**
 * Fused softmax and cross entropy, one workgroup per row: a tree max, a tree sum of exp(x - max), then the
 * probabilities (which backward needs) and loss = log(sum) + max - x[target]. A target outside [0, C) gives NaN.
 */
export function softmaxCrossEntropy(runtime: KernelRuntime) {
  return (logits: GpuView, targets: GpuView, losses: GpuView, probabilities: GpuView): void => {
    if (logits.dtype !== 'float32' || targets.dtype !== 'int32') {
      throw new DTypeError(
        `softmaxCrossEntropy: backend '${runtime.backendName}' expects float32 logits and int32 targets, got ${logits.dtype} and ${targets.dtype}`,
      );
    }
    const [rows, classes] = logits.shape as [number, number];
    const pipeline = runtime.gpu.pipeline(
      'softmaxCrossEntropy',
      () => `${declareBindings([
        { name: 'logits', type: 'f32', writable: false },
        { name: 'targets', type: 'i32', writable: false },
        { name: 'losses', type: 'f32', writable: true },
        { name: 'probabilities', type: 'f32', writable: true },
      ])}
${floatHelpers}
var<workgroup> partial: array<f32, ${workgroupSize}>;
${entryPoint(workgroupSize)}
  let row = i32(workgroup);
  let classes = params[1];
  if (row >= params[0]) { return; }
  let base = params[2] + row * classes;
  var largest = -infValue();
  for (var c = i32(local); c < classes; c += ${workgroupSize}) { largest = floatMaximum(largest, logits[base + c]); }
  partial[local] = largest;
  workgroupBarrier();
  for (var width = ${workgroupSize / 2}u; width > 0u; width = width >> 1u) {
    if (local < width) { partial[local] = floatMaximum(partial[local], partial[local + width]); }
    workgroupBarrier();
  }
  largest = partial[0];
  workgroupBarrier();
  var total = 0.0;
  for (var c = i32(local); c < classes; c += ${workgroupSize}) { total += safeExp(logits[base + c] - largest); }
  partial[local] = total;
  workgroupBarrier();
  for (var width = ${workgroupSize / 2}u; width > 0u; width = width >> 1u) {
    if (local < width) { partial[local] = partial[local] + partial[local + width]; }
    workgroupBarrier();
  }
  total = partial[0];
  for (var c = i32(local); c < classes; c += ${workgroupSize}) {
    probabilities[params[5] + row * classes + c] = safeExp(logits[base + c] - largest) / total;
  }
  if (local == 0u) {
    let label = targets[params[3] + row];
    var loss = nanValue();
    if (label >= 0 && label < classes) { loss = safeLog(total) + largest - logits[base + label]; }
    losses[params[4] + row] = loss;
  }
}`,
    );
    const words = [rows, classes, logits.offset, targets.offset, losses.offset, probabilities.offset];
    runtime.gpu.dispatch(
      pipeline,
      [runtime.input(logits), runtime.input(targets), runtime.output(losses), runtime.output(probabilities)],
      Int32Array.from(words),
      rows,
    );
  };
}
