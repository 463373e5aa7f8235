import {
  BackendError,
  type BinaryOp,
  DTypeError,
  type ElementwiseProgram,
  fusibleOps,
  isContiguous,
  sizeOf,
  type UnaryOp,
} from '@lantern/tensor';
import type { PooledBuffer } from '../buffer-pool.js';
import type { GpuView, WebGPUHandle } from '../layout.js';
import { elementwiseWorkgroupSize, type KernelRuntime, workgroupsFor } from '../runtime.js';
import { declareBindings, entryPoint, floatHelpers } from '../wgsl/common.js';
import { binary, unary } from './elementwise.js';
import { binaryTable, unaryTable } from './elementwise-ops.js';

export const maxProgramInputs = 8;
export const maxProgramSteps = 16;

/** Where a shader reads input i from: a storage binding of its own, or the output's (an input in the output's buffer). */
type Source = { readonly binding: number } | 'output';

interface ProgramLayout {
  /** Per input: its source, or null when no step reads it (it is then not bound at all). */
  readonly sources: readonly (Source | null)[];
  readonly broadcast: readonly boolean[];
  /** The distinct input buffers, in binding order. */
  readonly buffers: readonly WebGPUHandle[];
}

/**
 * compile()'s fused elementwise chain (Backend.elementwiseProgram): one dispatch of a shader generated for the
 * program's shape (its ops and operands, which inputs are broadcast, which share a buffer), cached by that shape. Each
 * step calls the same table expression as the separate unary/binary kernel, and its result passes an opaque bit
 * operation before the next step reads it, so a shader compiler cannot contract or simplify across steps (a * b then
 * + c into one fma, say): each step rounds to float32 as if it had been stored, and the values match the unfused ops.
 *
 * Every distinct input buffer takes a storage binding, as do the output and the parameter words: a program whose
 * inputs span more buffers than `maxStorageBuffersPerShaderStage - 2` (6 under WebGPU's default limit of 8;
 * registerWebGPUBackend asks for the adapter's own limit, 16 on lavapipe) runs step by step through the unary and
 * binary kernels instead, with the same values and one dispatch per step.
 */
export function elementwiseProgram(
  runtime: KernelRuntime,
  program: ElementwiseProgram,
  inputs: readonly GpuView[],
  output: GpuView,
  storageBufferLimit = runtime.gpu.device.limits.maxStorageBuffersPerShaderStage,
): void {
  validate(runtime.backendName, program, inputs, output);
  const count = sizeOf(output.shape);
  if (count === 0) return;
  const layout = programLayout(program, inputs, output);
  if (layout.buffers.length + 2 > storageBufferLimit) {
    runStepByStep(runtime, program, inputs, output);
    return;
  }
  const key = programKey(program, layout);
  const pipeline = runtime.gpu.pipeline(key, () => programShader(program, layout));
  // runtime.input zeroes a recycled buffer nobody has written yet; an input in the output's buffer must see those
  // zeros too, before runtime.output decides the buffer needs no clearing.
  const bindings = layout.buffers.map((handle) => runtime.input(inputs.find((input) => input.handle === handle)!));
  if (layout.sources.includes('output')) runtime.input(output);
  bindings.push(runtime.output(output));
  // [count, 0 (the opaque word each step's result is xor-ed with), input offsets..., output offset]
  const parameters = Int32Array.from([count, 0, ...inputs.map((input) => input.offset), output.offset]);
  runtime.gpu.dispatch(pipeline, bindings, parameters, workgroupsFor(count));
}

function validate(backendName: string, program: ElementwiseProgram, inputs: readonly GpuView[], output: GpuView): void {
  const fail = (problem: string): never => {
    throw new BackendError(`backend '${backendName}': elementwiseProgram ${problem}`);
  };
  const { steps } = program;
  if (steps.length === 0 || steps.length > maxProgramSteps) fail(`takes 1 to ${maxProgramSteps} steps, got ${steps.length}`);
  if (inputs.length > maxProgramInputs) fail(`takes at most ${maxProgramInputs} inputs, got ${inputs.length}`);
  for (const view of [...inputs, output]) {
    if (view.dtype !== 'float32')
      throw new DTypeError(`backend '${backendName}': elementwiseProgram computes float32 only, got a ${view.dtype} view`);
  }
  if (!isContiguous(output.shape, output.strides)) fail(`needs a contiguous output, got strides [${output.strides}]`);
  inputs.forEach((input, index) => {
    const sameShape =
      input.shape.length === output.shape.length && input.shape.every((extent, axis) => extent === output.shape[axis]);
    const broadcast = input.strides.every((stride) => stride === 0);
    if (!sameShape || !(broadcast || isContiguous(input.shape, input.strides)))
      fail(
        `input ${index} (shape [${input.shape}], strides [${input.strides}]) must be contiguous or broadcast (every stride 0) ` +
          `with the output's shape [${output.shape}]`,
      );
  });
  steps.forEach(({ op, operands }, index) => {
    const arity = op in unaryTable ? 1 : 2;
    if (!(fusibleOps as readonly string[]).includes(op)) fail(`step ${index}: '${op}' is not a fusible op`);
    if (operands.length !== arity) fail(`step ${index}: ${op} takes ${arity} operand(s), got ${operands.length}`);
    for (const operand of operands) {
      if (!Number.isInteger(operand) || operand < 0 || operand >= inputs.length + index)
        fail(`step ${index}: operand ${operand} is neither an input nor an earlier step (0 to ${inputs.length + index - 1})`);
    }
  });
}

function programLayout(program: ElementwiseProgram, inputs: readonly GpuView[], output: GpuView): ProgramLayout {
  const read = new Set(program.steps.flatMap((step) => step.operands));
  const buffers: WebGPUHandle[] = [];
  const sources = inputs.map((input, index): Source | null => {
    if (!read.has(index)) return null;
    // A buffer bound twice in one dispatch, or read-only beside read-write, is a validation error: share the binding.
    if (input.handle === output.handle) return 'output';
    if (!buffers.includes(input.handle)) buffers.push(input.handle);
    return { binding: buffers.indexOf(input.handle) };
  });
  const broadcast = inputs.map((input) => sizeOf(input.shape) > 1 && input.strides.every((stride) => stride === 0));
  return { sources, broadcast, buffers };
}

function programKey(program: ElementwiseProgram, layout: ProgramLayout): string {
  const steps = program.steps.map(({ op, operands }) => `${op}(${operands.join(',')})`).join(';');
  const inputs = layout.sources.map((source, index) => {
    if (source === null) return '-';
    return `${source === 'output' ? 'out' : source.binding}${layout.broadcast[index] ? 'b' : 'c'}`;
  });
  return `elementwiseProgram:${steps}|${inputs.join(',')}`;
}

/** WGSL names: `v<i>` is operand i (inputs, then step results); `op_<name>` wraps the table's expression. */
function programShader(program: ElementwiseProgram, layout: ProgramLayout): string {
  const inputCount = layout.sources.length;
  const bindings = layout.buffers.map((_, binding) => ({ name: `input${binding}`, type: 'f32', writable: false }));
  bindings.push({ name: 'output', type: 'f32', writable: true });
  const ops = [...new Set(program.steps.map((step) => step.op))];
  const functions = ops.map((op) =>
    op in unaryTable
      ? `fn op_${op}(a: f32) -> f32 { return ${unaryTable[op as UnaryOp].float}; }`
      : `fn op_${op}(a: f32, b: f32) -> f32 { return ${binaryTable[op as BinaryOp].float}; }`,
  );
  const loads = layout.sources.flatMap((source, index) => {
    if (source === null) return [];
    const array = source === 'output' ? 'output' : `input${source.binding}`;
    const element = layout.broadcast[index] ? `u32(params[${2 + index}])` : `u32(params[${2 + index}]) + index`;
    return [`  let v${index} = ${array}[${element}];`];
  });
  const last = program.steps.length - 1;
  const steps = program.steps.map(({ op, operands }, step) => {
    const call = `op_${op}(${operands.map((operand) => `v${operand}`).join(', ')})`;
    return `  let v${inputCount + step} = ${step === last ? call : `opaque(${call})`};`;
  });
  return `${declareBindings(bindings)}
${floatHelpers}
// params[1] is 0 at run time, but the compiler cannot know it: each intermediate result is a value it cannot see into.
fn opaque(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) ^ u32(params[1])); }
${functions.join('\n')}
${entryPoint(elementwiseWorkgroupSize)}
  if (index >= u32(params[0])) { return; }
${loads.join('\n')}
${steps.join('\n')}
  output[u32(params[${2 + inputCount}]) + index] = v${inputCount + last};
}`;
}

/** The fallback past the storage-binding limit: each step is its own kernel, into pooled temporaries. */
function runStepByStep(runtime: KernelRuntime, program: ElementwiseProgram, inputs: readonly GpuView[], output: GpuView): void {
  const temporaries: PooledBuffer[] = [];
  const results: GpuView[] = [];
  const count = sizeOf(output.shape);
  const operandView = (operand: number) => inputs[operand] ?? results[operand - inputs.length]!;
  program.steps.forEach(({ op, operands }, step) => {
    let target = output;
    if (step < program.steps.length - 1) {
      const { buffer } = runtime.gpu.pool.acquire(count * 4);
      temporaries.push(buffer);
      const handle: WebGPUHandle = { buffer, size: count, dtype: 'float32', needsZero: false, freed: false };
      target = { handle, dtype: 'float32', shape: output.shape, strides: output.strides, offset: 0 };
    }
    const [a, b] = operands.map(operandView);
    if (b) binary(runtime, op as BinaryOp, a!, b, target);
    else unary(runtime, op as UnaryOp, a!, target);
    results.push(target);
  });
  // Later dispatches in this batch that reuse these buffers are recorded after the reads above, so release is safe now.
  for (const buffer of temporaries) runtime.gpu.pool.release(buffer);
}
