import { type BinaryOp, type DType, KernelNotFoundError, type UnaryOp } from '@lantern/tensor';
import { type GpuView, stridedParameters } from '../layout.js';
import { convert, elementwiseWorkgroupSize, type KernelRuntime, workgroupsFor } from '../runtime.js';
import { declareBindings, entryPoint, floatHelpers, stridedOffsets } from '../wgsl/common.js';
import { binaryTable, type ElementwiseOp, unaryTable } from './elementwise-ops.js';

type ComputeType = 'f32' | 'i32';

const computeTypeOf = (dtype: DType): ComputeType => (dtype === 'float32' ? 'f32' : 'i32');

/** The table's expression for an op at a compute type, or KernelNotFoundError naming op, dtype and backend. */
function expressionFor(runtime: KernelRuntime, op: string, entry: ElementwiseOp, computeType: ComputeType, dtype: DType): string {
  const expression = computeType === 'f32' ? entry.float : entry.int;
  if (!expression) throw new KernelNotFoundError(`${op} on ${dtype}`, runtime.backendName);
  return expression;
}

/**
 * One strided elementwise shader: loads each input into the compute type, evaluates the table's expression, converts
 * the result to the output's storage type. Every input and the output may have any strides (0 for broadcast).
 */
function elementwiseShader(
  runtime: KernelRuntime,
  inputs: readonly DType[],
  output: DType,
  computeType: ComputeType,
  expression: string,
  isBool: boolean,
): string {
  const names = ['a', 'b'];
  const bindings = inputs.map((dtype, index) => ({ name: `input${index}`, type: runtime.storageType(dtype), writable: false }));
  const outputType = runtime.storageType(output);
  const loads = inputs.map(
    (dtype, index) =>
      `  let ${names[index]} = ${convert(`input${index}[at[${index}]]`, runtime.storageType(dtype), computeType)};`,
  );
  return `${declareBindings([...bindings, { name: 'output', type: outputType, writable: true }])}
${floatHelpers}
${stridedOffsets(inputs.length + 1)}
${entryPoint(elementwiseWorkgroupSize)}
  if (index >= u32(params[0])) { return; }
  let at = stridedOffsets(index);
${loads.join('\n')}
  output[at[${inputs.length}]] = ${convert(`(${expression})`, isBool ? 'bool' : computeType, outputType)};
}`;
}

function runElementwise(
  runtime: KernelRuntime,
  key: string,
  source: () => string,
  inputs: readonly GpuView[],
  output: GpuView,
): void {
  const parameters = stridedParameters(output.shape, [...inputs, output]);
  if (parameters[0] === 0) return;
  const pipeline = runtime.gpu.pipeline(key, source);
  const bindings = [...inputs.map((view) => runtime.input(view)), runtime.output(output)];
  runtime.gpu.dispatch(pipeline, bindings, parameters, workgroupsFor(parameters[0]!));
}

export function unary(runtime: KernelRuntime, op: UnaryOp, input: GpuView, output: GpuView): void {
  const entry = unaryTable[op];
  const computeType = computeTypeOf(input.dtype);
  const expression = expressionFor(runtime, op, entry, computeType, input.dtype);
  runElementwise(
    runtime,
    `unary:${op}:${input.dtype}:${output.dtype}`,
    () => elementwiseShader(runtime, [input.dtype], output.dtype, computeType, expression, entry.bool === true),
    [input],
    output,
  );
}

export function binary(runtime: KernelRuntime, op: BinaryOp, a: GpuView, b: GpuView, output: GpuView): void {
  const entry = binaryTable[op];
  const computeType = a.dtype === 'float32' || b.dtype === 'float32' ? 'f32' : 'i32';
  const expression = expressionFor(runtime, op, entry, computeType, a.dtype);
  runElementwise(
    runtime,
    `binary:${op}:${a.dtype}:${b.dtype}:${output.dtype}`,
    () => elementwiseShader(runtime, [a.dtype, b.dtype], output.dtype, computeType, expression, entry.bool === true),
    [a, b],
    output,
  );
}

export function where(runtime: KernelRuntime, condition: GpuView, a: GpuView, b: GpuView, output: GpuView): void {
  const outputType = runtime.storageType(output.dtype);
  const source = () => `${declareBindings([
    { name: 'condition', type: runtime.storageType(condition.dtype), writable: false },
    { name: 'input0', type: runtime.storageType(a.dtype), writable: false },
    { name: 'input1', type: runtime.storageType(b.dtype), writable: false },
    { name: 'output', type: outputType, writable: true },
  ])}
${stridedOffsets(4)}
${entryPoint(elementwiseWorkgroupSize)}
  if (index >= u32(params[0])) { return; }
  let at = stridedOffsets(index);
  let a = ${convert('input0[at[1]]', runtime.storageType(a.dtype), outputType)};
  let b = ${convert('input1[at[2]]', runtime.storageType(b.dtype), outputType)};
  output[at[3]] = select(b, a, ${convert('condition[at[0]]', runtime.storageType(condition.dtype), 'u32')} != 0u);
}`;
  runElementwise(runtime, `where:${condition.dtype}:${a.dtype}:${b.dtype}:${output.dtype}`, source, [condition, a, b], output);
}
