import { min32 } from './common';
import { binaryF32, fillF32, unaryF32 } from './elementwise';
import { ElementwiseProgram, ElementwiseProgramLayout as Layout } from './generated/bridge.gen';

// A chain of float32 unary and binary steps in one pass (core's Backend.elementwiseProgram). Each step runs through the
// very row kernels the separate unary and binary calls run (unaryF32, binaryF32), over blocks of a few hundred
// elements whose results stay in this thread's scratch instead of going through memory-sized temporaries. Chunks and
// blocks start at multiples of 4, so every element takes the same path (f32x4 or scalar) as in one unfused call over
// the whole contiguous output, and the program's result is the unfused chain's, bit for bit. A unary step of a
// broadcast value (uniform) is computed once per chunk: unaryF32 on a step-0 row takes the scalar path for every element.

@inline function word(program: usize, index: i32): i32 {
  return load<i32>(program + (<usize>index << 2));
}

@inline function stepWord(program: usize, step: i32, field: i32): i32 {
  return word(program, Layout.stepsStart + step * Layout.stepWords + field);
}

/** The operand's first element for the block at element `position`: an input's, or a step result's block. */
@inline function operandAddress(program: usize, inputCount: i32, scratch: usize, blockBytes: usize, uniform: i32,
  operand: i32, position: i32): usize {
  if (operand >= inputCount) return scratch + <usize>(operand - inputCount) * blockBytes;
  const base = <usize>word(program, operand * Layout.inputWords);
  return (uniform >>> operand) & 1 ? base : base + (<usize>position << 2);
}

/** Runs `step` over `count` elements into `destination`; uniform operands are read with step 0. */
function runStep(program: usize, step: i32, inputCount: i32, scratch: usize, blockBytes: usize, uniform: i32,
  position: i32, destination: usize, destinationStep: i32, count: i32): void {
  const binary = stepWord(program, step, 0) != 0, code = stepWord(program, step, 1);
  const left = stepWord(program, step, 2);
  const leftAddress = operandAddress(program, inputCount, scratch, blockBytes, uniform, left, position);
  const leftStep = ((uniform >>> left) & 1) ^ 1;
  if (!binary) {
    unaryF32(code, leftAddress, leftStep, destination, destinationStep, count);
    return;
  }
  const right = stepWord(program, step, 3);
  const rightAddress = operandAddress(program, inputCount, scratch, blockBytes, uniform, right, position);
  binaryF32(code, leftAddress, leftStep, rightAddress, ((uniform >>> right) & 1) ^ 1, destination, destinationStep, count);
}

/** One chunk of the program (arguments: ElementwiseProgram in src/bridge/task-table.ts). */
export function elementwiseProgramTask(chunk: i32, thread: i32, args: usize): void {
  const program = ElementwiseProgram.program(args), output = ElementwiseProgram.output(args);
  const inputCount = ElementwiseProgram.inputCount(args), stepCount = ElementwiseProgram.stepCount(args);
  const block = ElementwiseProgram.blockElements(args), blockBytes = <usize>block << 2;
  const scratch = ElementwiseProgram.scratch(args) + <usize>thread * ElementwiseProgram.scratchStride(args);
  const perChunk = ElementwiseProgram.elementsPerChunk(args);
  const first = chunk * perChunk, last = min32(ElementwiseProgram.size(args), first + perChunk);
  // Bit o set: operand o is one value (a broadcast input, or a unary step of one); at most 24 operands.
  let uniform = 0;
  for (let input = 0; input < inputCount; input++)
    if (word(program, input * Layout.inputWords + 1) != 0) uniform |= 1 << input;
  for (let step = 0; step < stepCount; step++) {
    // Only unary steps: the unfused call on a broadcast view runs binaryF32 with both steps 0, whose f32x4 part and
    // scalar tail may pick different NaN payloads (x + y with two NaNs), so a binary step always runs over the blocks.
    if (stepWord(program, step, 0) != 0 || ((uniform >>> stepWord(program, step, 2)) & 1) == 0) continue;
    runStep(program, step, inputCount, scratch, blockBytes, uniform, first, scratch + <usize>step * blockBytes, 0, 1);
    uniform |= 1 << (inputCount + step);
  }
  const lastStep = stepCount - 1;
  if ((uniform >>> (inputCount + lastStep)) & 1) {
    fillF32(output + (<usize>first << 2), 1, last - first, load<f32>(scratch + <usize>lastStep * blockBytes));
    return;
  }
  for (let position = first; position < last; position += block) {
    const count = min32(block, last - position);
    for (let step = 0; step < stepCount; step++) {
      if ((uniform >>> (inputCount + step)) & 1) continue;
      const destination = step == lastStep ? output + (<usize>position << 2) : scratch + <usize>step * blockBytes;
      runStep(program, step, inputCount, scratch, blockBytes, uniform, position, destination, 1, count);
    }
  }
}
