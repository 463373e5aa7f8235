import {
  BackendError,
  type ElementwiseProgram,
  type FusibleOp,
  fusibleOps,
  isContiguous,
  type TensorView,
} from '@lantern/tensor';
import { elementwiseProgramBytes, elementwiseProgramLayout as layout } from '../bridge/elementwise-program-layout.js';
import { binaryOpCodes, unaryOpCodes } from '../bridge/op-codes.js';
import type { WasmContext } from '../context.js';
import { runElementwiseProgram } from '../generated/bridge.gen.js';
import { serialElements } from '../thread-pool.js';
import { addressOf, elementCount } from '../views.js';

// Elements per block: every live step result holds one block of float32 in the thread's scratch, so a 3-step program
// keeps 6 KB there, well inside L1, while a block is long enough that the per-block dispatch over the steps is noise.
const blockElements = 512;
// Elements per chunk (a multiple of blockElements, so that every chunk and block starts at a multiple of 4).
const chunkElements = 32768;

// Only the float32-valued ops: binaryF32 would write bool bytes for a comparison.
const programOps: ReadonlySet<string> = new Set<FusibleOp>(fusibleOps);

function fail(message: string): never {
  throw new BackendError(`wasm elementwiseProgram: ${message}`);
}

/** 1 when `input` is one value broadcast (every stride 0), 0 when contiguous with the output's shape; else throws. */
function broadcastFlag(input: TensorView, index: number, output: TensorView): number {
  if (input.dtype !== 'float32') fail(`input ${index} is ${input.dtype}, expected float32`);
  if (input.strides.every((stride) => stride === 0)) return 1;
  const sameShape =
    input.shape.length === output.shape.length && input.shape.every((extent, axis) => extent === output.shape[axis]);
  if (!sameShape || !isContiguous(input.shape, input.strides))
    fail(
      `input ${index} (shape [${input.shape}], strides [${input.strides}]) is neither contiguous with the output's shape ` +
        `[${output.shape}] nor a broadcast value (every stride 0)`,
    );
  return 0;
}

/** The program as elementwiseProgramTask reads it (src/bridge/elementwise-program-layout.ts), checked on the way. */
function encode(program: ElementwiseProgram, inputs: readonly TensorView[], output: TensorView): Int32Array {
  const words = new Int32Array(elementwiseProgramBytes / 4);
  inputs.forEach((input, index) => {
    words[index * layout.inputWords] = addressOf(input);
    words[index * layout.inputWords + 1] = broadcastFlag(input, index, output);
  });
  program.steps.forEach(({ op, operands }, step) => {
    if (!programOps.has(op)) fail(`step ${step}: no op ${op} in a program (expected one of ${fusibleOps.join(', ')})`);
    const unaryCode = (unaryOpCodes as Record<string, number | null | undefined>)[op];
    const binaryCode = (binaryOpCodes as Record<string, number | null | undefined>)[op];
    const arity = typeof unaryCode === 'number' ? 1 : typeof binaryCode === 'number' ? 2 : fail(`step ${step}: no op ${op}`);
    if (operands.length !== arity) fail(`step ${step}: ${op} takes ${arity} operand(s), got ${operands.length}`);
    for (const operand of operands)
      if (!Number.isInteger(operand) || operand < 0 || operand >= inputs.length + step)
        fail(`step ${step}: operand ${operand} names neither one of the ${inputs.length} inputs nor an earlier step`);
    const at = layout.stepsStart + step * layout.stepWords;
    words.set([arity === 2 ? 1 : 0, arity === 2 ? binaryCode! : unaryCode!, operands[0]!, operands[1] ?? 0], at);
  });
  return words;
}

/**
 * Core's Backend.elementwiseProgram: the steps run block by block through the same row kernels as the separate unary
 * and binary calls, so the result is theirs bit for bit (assembly/elementwise-program.ts), split across the pool.
 */
export function elementwiseProgram(
  context: WasmContext,
  program: ElementwiseProgram,
  inputs: readonly TensorView[],
  output: TensorView,
): void {
  const stepCount = program.steps.length;
  if (stepCount < 1 || stepCount > layout.maximumSteps) fail(`${stepCount} steps, expected 1 to ${layout.maximumSteps}`);
  if (inputs.length > layout.maximumInputs) fail(`${inputs.length} inputs, expected at most ${layout.maximumInputs}`);
  if (output.dtype !== 'float32') fail(`the output is ${output.dtype}, expected float32`);
  if (!isContiguous(output.shape, output.strides)) fail(`the output (strides [${output.strides}]) is not contiguous`);
  const words = encode(program, inputs, output);
  const size = elementCount(output);
  if (size === 0) return;
  // Allocate before writing: either may grow linear memory, which replaces runtime.i32.
  const [scratch, scratchStride] = context.threadScratch(stepCount * blockElements * 4);
  const address = context.workspaces.get('elementwise-program', elementwiseProgramBytes);
  context.runtime.i32.set(words, address / 4);
  runElementwiseProgram(
    context.pool,
    {
      program: address,
      inputCount: inputs.length,
      stepCount,
      output: addressOf(output),
      size,
      elementsPerChunk: chunkElements,
      blockElements,
      scratch,
      scratchStride,
    },
    Math.ceil(size / chunkElements),
    size < serialElements,
  );
}
