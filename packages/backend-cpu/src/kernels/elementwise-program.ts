import { type ElementwiseProgram, sizeOf, type TensorView, type TypedArray } from '@lantern/tensor';
import { binaryFunctions } from './binary.js';
import { unaryFunctions } from './unary.js';

/**
 * A chain of float32 elementwise ops in one pass (compile()'s fusion): each step rounds to float32 (Math.fround) as
 * the separate kernels do when they store into float32 storage, so the fused program gives the same values.
 */
export function elementwiseProgram(
  program: ElementwiseProgram,
  inputs: readonly TensorView<TypedArray>[],
  output: TensorView<TypedArray>,
): void {
  const steps = program.steps.map(({ op, operands }) => ({
    unary: operands.length === 1 ? unaryFunctions[op as keyof typeof unaryFunctions] : undefined,
    binary: operands.length === 2 ? binaryFunctions[op as keyof typeof binaryFunctions] : undefined,
    a: operands[0]!,
    b: operands[1] ?? 0,
  }));
  const broadcast = inputs.map((input) => input.strides.every((stride) => stride === 0));
  const values = new Float64Array(inputs.length + steps.length);
  const result = values.length - 1;
  const out = output.handle;
  for (let i = 0, size = sizeOf(output.shape); i < size; i++) {
    for (let k = 0; k < inputs.length; k++) {
      const input = inputs[k]!;
      values[k] = input.handle[input.offset + (broadcast[k] ? 0 : i)]!;
    }
    for (let j = 0; j < steps.length; j++) {
      const { unary, binary, a, b } = steps[j]!;
      values[inputs.length + j] = Math.fround(unary ? unary(values[a]!) : binary!(values[a]!, values[b]!));
    }
    out[output.offset + i] = values[result]!;
  }
}
