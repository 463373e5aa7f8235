// How the JS side (src/kernels/elementwise-program.ts) encodes an ElementwiseProgram into linear memory for
// elementwiseProgramTask (assembly/elementwise-program.ts), as i32 words. Declared once here; the build generates the
// AssemblyScript constants (ElementwiseProgramLayout in assembly/generated/bridge.gen.ts) from it. Operands below the
// program's input count name inputs; from it on, step results (input count + step index).

/** The contract's limits (core's ElementwiseProgram): at most 8 inputs and 16 steps. */
const maximumInputs = 8;
const maximumSteps = 16;
/** Per input: [byte address of its first element, 1 when it is one value broadcast (every stride 0)]. */
const inputWords = 2;
/** Per step: [1 when binary, its unaryOpCodes / binaryOpCodes code, left operand, right operand (binary only)]. */
const stepWords = 4;

export const elementwiseProgramLayout = {
  maximumInputs,
  maximumSteps,
  inputWords,
  /** The steps follow the inputs' words. */
  stepsStart: maximumInputs * inputWords,
  stepWords,
} as const satisfies Record<string, number>;

/** Bytes of one encoded program. */
export const elementwiseProgramBytes = (maximumInputs * inputWords + maximumSteps * stepWords) * 4;
