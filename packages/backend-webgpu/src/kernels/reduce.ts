import type { DType, ReduceOp } from '@lantern/tensor';
import { coalesce, type GpuView } from '../layout.js';
import { convert, type KernelRuntime } from '../runtime.js';
import { declareBindings, entryPoint, floatHelpers } from '../wgsl/common.js';

const treeSize = 128;
/** Reductions this short run one invocation per output instead of one workgroup per output. */
const serialLimit = 16;

type Mode = 'tree' | 'serial';

interface ReduceLayout {
  readonly outputs: number;
  readonly length: number;
  readonly words: number[];
}

/**
 * Parameter words: [outputs, length, splits, chunk, outerRank, innerRank, inputOffset, outputOffset, outer extents,
 * outer input strides, outer output strides, inner extents, inner input strides]. Outer dims are the kept ones.
 */
function reduceLayout(input: GpuView, axes: readonly number[], output: GpuView): ReduceLayout {
  const outerAxes = input.shape.map((_, axis) => axis).filter((axis) => !axes.includes(axis));
  const outer = coalesce(
    outerAxes.map((axis) => input.shape[axis]!),
    [
      { strides: outerAxes.map((axis) => input.strides[axis]!), offset: input.offset },
      { strides: outerAxes.map((axis) => output.strides[axis]!), offset: output.offset },
    ],
  );
  const inner = coalesce(
    axes.map((axis) => input.shape[axis]!),
    [{ strides: axes.map((axis) => input.strides[axis]!), offset: 0 }],
  );
  const outputs = outerAxes.reduce((product, axis) => product * input.shape[axis]!, 1);
  const length = axes.reduce((product, axis) => product * input.shape[axis]!, 1);
  const words = [
    outputs,
    length,
    1,
    length,
    outer.extents.length,
    inner.extents.length,
    input.offset,
    output.offset,
    ...outer.extents,
    ...outer.strides[0]!,
    ...outer.strides[1]!,
    ...inner.extents,
    ...inner.strides[0]!,
  ];
  return { outputs, length, words };
}

const offsetFunctions = `
fn outerOffsets(output: u32) -> vec2<i32> {
  let rank = u32(params[4]);
  var remaining = output;
  var result = vec2<i32>(params[6], params[7]);
  for (var axis = i32(rank) - 1; axis >= 0; axis--) {
    let at = u32(axis);
    let extent = u32(params[8u + at]);
    let coordinate = i32(remaining % extent);
    remaining = remaining / extent;
    result += coordinate * vec2<i32>(params[8u + rank + at], params[8u + 2u * rank + at]);
  }
  return result;
}
fn innerOffset(k: u32) -> i32 {
  let base = 8u + 3u * u32(params[4]);
  let rank = u32(params[5]);
  var remaining = k;
  var offset = 0;
  for (var axis = i32(rank) - 1; axis >= 0; axis--) {
    let extent = u32(params[base + u32(axis)]);
    offset += i32(remaining % extent) * params[base + rank + u32(axis)];
    remaining = remaining / extent;
  }
  return offset;
}`;

/** WGSL for the accumulator: identity, combine rule, and for argmax/argmin the (value, index) tie-breaking. */
function accumulatorCode(op: ReduceOp, type: 'f32' | 'i32'): string {
  const isFloat = type === 'f32';
  const low = isFloat ? '-infValue()' : 'i32(-2147483647 - 1)',
    high = isFloat ? 'infValue()' : '2147483647';
  const nan = isFloat ? 'isNan(x)' : 'false';
  const pick = op === 'max' || op === 'argmax' ? '>' : '<';
  const identity = op === 'sum' ? `${type}(0)` : op === 'max' || op === 'argmax' ? low : high;
  const combine =
    op === 'sum'
      ? 'a + b'
      : isFloat
        ? op === 'max'
          ? 'floatMaximum(a, b)'
          : op === 'min'
            ? 'floatMinimum(a, b)'
            : 'a'
        : op === 'max'
          ? 'max(a, b)'
          : op === 'min'
            ? 'min(a, b)'
            : 'a';
  return `
fn identity() -> ${type} { return ${identity}; }
fn combine(a: ${type}, b: ${type}) -> ${type} { return ${combine}; }
fn isNanValue(x: ${type}) -> bool { return ${nan}; }
// Whether (candidate, candidateIndex) replaces (best, bestIndex): NaN wins, then the extreme, then the first index.
fn replaces(candidate: ${type}, candidateIndex: i32, best: ${type}, bestIndex: i32) -> bool {
  let candidateNan = isNanValue(candidate);
  let bestNan = isNanValue(best);
  if (candidateNan || bestNan) { return candidateNan && (!bestNan || candidateIndex < bestIndex); }
  if (candidate == best) { return candidateIndex < bestIndex; }
  return candidate ${pick} best;
}`;
}

function reduceShader(
  runtime: KernelRuntime,
  op: ReduceOp,
  inputDType: DType,
  outputType: 'f32' | 'i32' | 'u32',
  mode: Mode,
): string {
  const inputType = runtime.storageType(inputDType);
  const type = inputType === 'f32' ? 'f32' : 'i32';
  const isArg = op === 'argmax' || op === 'argmin';
  const load = convert('input[offsets.x + innerOffset(k)]', inputType, type);
  const result = isArg ? 'bestIndex' : convert('best', type, outputType);
  const fold = isArg
    ? `if (replaces(value, i32(k), best, bestIndex)) { best = value; bestIndex = i32(k); }`
    : 'best = combine(best, value);';
  const header = `${declareBindings([
    { name: 'input', type: inputType, writable: false },
    { name: 'output', type: outputType, writable: true },
  ])}
${floatHelpers}
${accumulatorCode(op, type)}
${offsetFunctions}`;
  if (mode === 'serial') {
    return `${header}
${entryPoint(64)}
  if (index >= u32(params[0])) { return; }
  let offsets = outerOffsets(index);
  var best = identity();
  var bestIndex = 2147483647;
  for (var k = 0u; k < u32(params[1]); k++) {
    let value = ${load};
    ${fold}
  }
  output[offsets.y] = ${result};
}`;
  }
  return `${header}
var<workgroup> sharedValues: array<${type}, ${treeSize}>;
var<workgroup> sharedIndices: array<i32, ${treeSize}>;
${entryPoint(treeSize)}
  let splits = u32(params[2]);
  let outputIndex = workgroup / splits;
  let split = workgroup % splits;
  if (outputIndex >= u32(params[0])) { return; }
  let offsets = outerOffsets(outputIndex);
  let start = split * u32(params[3]);
  let end = min(u32(params[1]), start + u32(params[3]));
  var best = identity();
  var bestIndex = 2147483647;
  for (var k = start + local; k < end; k += ${treeSize}u) {
    let value = ${load};
    ${fold}
  }
  sharedValues[local] = best;
  sharedIndices[local] = bestIndex;
  workgroupBarrier();
  for (var width = ${treeSize / 2}u; width > 0u; width = width >> 1u) {
    if (local < width) {
      let value = sharedValues[local + width];
      let k = sharedIndices[local + width];
      ${
        isArg
          ? 'if (replaces(value, k, sharedValues[local], sharedIndices[local])) { sharedValues[local] = value; sharedIndices[local] = k; }'
          : 'sharedValues[local] = combine(sharedValues[local], value);'
      }
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    best = sharedValues[0];
    bestIndex = sharedIndices[0];
    output[select(offsets.y, i32(workgroup), splits > 1u)] = ${result};
  }
}`;
}

function dispatchReduce(
  runtime: KernelRuntime,
  op: ReduceOp,
  input: GpuView,
  words: number[],
  outputs: number,
  length: number,
  splits: number,
  outputType: 'f32' | 'i32' | 'u32',
  writable: ReturnType<KernelRuntime['output']>,
): void {
  const mode: Mode = length <= serialLimit && splits === 1 ? 'serial' : 'tree';
  const key = `reduce:${op}:${input.dtype}:${outputType}:${mode}`;
  const pipeline = runtime.gpu.pipeline(key, () => reduceShader(runtime, op, input.dtype, outputType, mode));
  words[2] = splits;
  words[3] = Math.ceil(length / splits);
  const workgroups = mode === 'serial' ? Math.ceil(outputs / 64) : outputs * splits;
  runtime.gpu.dispatch(pipeline, [runtime.input(input), writable], Int32Array.from(words), workgroups);
}

/**
 * Reduces `input` over `axes` into `output` (keepdim shape). One workgroup per output runs a tree reduction in
 * workgroup memory; when there are few outputs and long reductions (a bias gradient over a large batch), each output's
 * range is split across several workgroups whose partial results a second, short reduction combines.
 */
export function reduce(runtime: KernelRuntime, op: ReduceOp, input: GpuView, axes: readonly number[], output: GpuView): void {
  const { outputs, length, words } = reduceLayout(input, axes, output);
  if (outputs === 0) return;
  const outputType = runtime.storageType(output.dtype);
  const splittable = op === 'sum' || op === 'max' || op === 'min';
  const splits =
    splittable && length >= 8192 && outputs < 256
      ? Math.min(Math.ceil(length / 4096), Math.max(1, Math.floor(1024 / outputs)))
      : 1;
  if (splits === 1) {
    dispatchReduce(runtime, op, input, words, outputs, length, 1, outputType, runtime.output(output));
    return;
  }
  const partialType = runtime.storageType(input.dtype) === 'f32' ? 'f32' : 'i32';
  const partialDType: DType = partialType === 'f32' ? 'float32' : 'int32';
  const scratch = runtime.gpu.pool.acquire(outputs * splits * 4);
  const partialHandle = { buffer: scratch.buffer, size: outputs * splits, dtype: partialDType, needsZero: false, freed: false };
  dispatchReduce(runtime, op, input, words, outputs, length, splits, partialType, { buffer: scratch.buffer, writable: true });
  // Second pass: the partials are [outputs, splits] row-major; the outer layout (and the output strides) are unchanged.
  const outerRank = words[4]!;
  const outerExtents = words.slice(8, 8 + outerRank);
  const partialStrides = outerExtents.map((_, axis) => splits * outerExtents.slice(axis + 1).reduce((a, b) => a * b, 1));
  const second = [
    outputs,
    splits,
    1,
    splits,
    outerRank,
    1,
    0,
    output.offset,
    ...outerExtents,
    ...partialStrides,
    ...words.slice(8 + 2 * outerRank, 8 + 3 * outerRank),
    splits,
    1,
  ];
  const partial: GpuView = {
    handle: partialHandle,
    dtype: partialDType,
    shape: [outputs, splits],
    strides: [splits, 1],
    offset: 0,
  };
  dispatchReduce(runtime, op, partial, second, outputs, splits, 1, outputType, runtime.output(output));
  runtime.gpu.pool.release(scratch.buffer);
}
