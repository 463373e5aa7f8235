import {
  type Backend,
  BackendError,
  type BinaryOp,
  type ElementwiseProgram,
  type FusibleOp,
  fusibleOps,
  getBackend,
  type TensorView,
  type UnaryOp,
} from '@lantern/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unaryOpCodes } from './bridge/op-codes.js';

// Backend.elementwiseProgram on the wasm backend against the same steps run one by one through the backend's own
// unary and binary kernels into output-shaped temporaries: the results must agree bit for bit, NaN payloads and the
// sign of zero included. Shared by elementwise-program.test.ts (the build 'auto' picks) and simd128.test.ts.

const arity = (op: FusibleOp): number => (op in unaryOpCodes ? 1 : 2);

const specialBits = [0x7fc00000, 0xffc00000, 0x7fa00001, 0x7f800000, 0xff800000, 0x80000000, 0x00000001, 0x807fffff];
const specialValues = [
  ...new Float32Array(new Uint32Array(specialBits).buffer),
  0,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  1,
  -1,
  3.4e38,
  -3.4e38,
  1e-38,
  88.8,
  -104,
  1e10,
  -7.25,
];

const sizeOf = (shape: readonly number[]): number => shape.reduce((product, extent) => product * extent, 1);

/** A program over inputs that are each contiguous (at an offset) or one broadcast value, into an offset output. */
export interface ProgramCase {
  readonly steps: ElementwiseProgram['steps'];
  readonly shape: number[];
  /** Per input: its element offset, or null for a broadcast value (at offset 1). */
  readonly inputOffsets: readonly (number | null)[];
  readonly outputOffset: number;
}

/** A view of `shape` at `offset` in fresh storage with room after it; `broadcast`: every stride 0. */
function allocateView(backend: Backend<number>, shape: number[], offset: number, broadcast = false): TensorView<number> {
  const handle = backend.allocate(offset + sizeOf(shape) + 3, 'float32');
  const strides = shape.map((_, axis) => (broadcast ? 0 : sizeOf(shape.slice(axis + 1))));
  return { handle, dtype: 'float32', shape, strides, offset };
}

/** The steps one by one through unary and binary into output-shaped temporaries; the last step writes `output`. */
function runUnfused(
  backend: Backend<number>,
  steps: ProgramCase['steps'],
  inputs: TensorView<number>[],
  output: TensorView<number>,
): void {
  const results: TensorView<number>[] = [];
  steps.forEach(({ op, operands }, step) => {
    const views = operands.map((operand) => (operand < inputs.length ? inputs[operand]! : results[operand - inputs.length]!));
    const destination = step === steps.length - 1 ? output : allocateView(backend, output.shape as number[], 0);
    if (views.length === 1) backend.unary(op as UnaryOp, views[0]!, destination);
    else backend.binary(op as BinaryOp, views[0]!, views[1]!, destination);
    results.push(destination);
  });
  for (const view of results.slice(0, -1)) backend.free(view.handle);
}

function readBits(backend: Backend<number>, view: TensorView<number>): Uint32Array {
  const values = backend.readSync!(view.handle, 'float32', view.offset, sizeOf(view.shape)) as Float32Array;
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** The first few elements whose bits differ, for the failure message. */
function differences(fused: Uint32Array, unfused: Uint32Array): string[] {
  const found: string[] = [];
  for (let i = 0; i < fused.length && found.length < 5; i++) {
    if (fused[i] !== unfused[i]) found.push(`[${i}] fused 0x${fused[i]!.toString(16)}, unfused 0x${unfused[i]!.toString(16)}`);
  }
  return found;
}

/** Runs the program fused and unfused on the same inputs (input i's values: values(count, i)); returns mismatches. */
export function compareFused(
  backend: Backend<number>,
  testCase: ProgramCase,
  values: (count: number, input: number) => number[],
): string[] {
  const { shape, steps } = testCase;
  const inputs = testCase.inputOffsets.map((offset, index) => {
    const view = allocateView(backend, shape, offset ?? 1, offset === null);
    backend.write(view.handle, new Float32Array(values(offset === null ? 1 : sizeOf(shape), index)), view.offset);
    return view;
  });
  const fused = allocateView(backend, shape, testCase.outputOffset);
  const unfused = allocateView(backend, shape, testCase.outputOffset);
  backend.elementwiseProgram!({ steps }, inputs, fused);
  runUnfused(backend, steps, inputs, unfused);
  const mismatches = differences(readBits(backend, fused), readBits(backend, unfused));
  for (const view of [...inputs, fused, unfused]) backend.free(view.handle);
  return mismatches;
}

/** Deterministic values for a seed: one in four a special value, the rest spread over many magnitudes and signs. */
function seededValues(seed: number): (count: number, input: number) => number[] {
  return (count, input) => {
    let state = (seed * 7919 + input * 104729 + 1) >>> 0;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    return Array.from({ length: count }, () => {
      if (next() < 0.25) return specialValues[Math.floor(next() * specialValues.length)]!;
      const magnitude = 10 ** (next() * 8 - 4);
      return (next() < 0.5 ? -1 : 1) * magnitude * next();
    });
  };
}

/** A program of 1 to 16 steps over 1 to 8 inputs, each step on inputs or earlier results. */
const programArbitrary = fc
  .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 16 }))
  .chain(([inputCount, stepCount]) =>
    fc.tuple(
      fc.constant(inputCount),
      fc.tuple(
        ...Array.from({ length: stepCount }, (_, step) =>
          fc.record({
            op: fc.constantFrom(...fusibleOps),
            left: fc.integer({ min: 0, max: inputCount + step - 1 }),
            right: fc.integer({ min: 0, max: inputCount + step - 1 }),
          }),
        ),
      ),
    ),
  )
  .map(([inputCount, steps]) => ({
    inputCount,
    steps: steps.map(({ op, left, right }) => ({ op, operands: arity(op) === 1 ? [left] : [left, right] })),
  }));

function caseArbitrary(shapes: number[][]): fc.Arbitrary<[ProgramCase, number]> {
  return fc
    .tuple(programArbitrary, fc.constantFrom(...shapes), fc.integer({ min: 0, max: 5 }), fc.nat())
    .chain(([{ inputCount, steps }, shape, outputOffset, seed]) =>
      fc
        .array(fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 6 })), { minLength: inputCount, maxLength: inputCount })
        .map((inputOffsets): [ProgramCase, number] => [{ steps, shape, inputOffsets, outputOffset }, seed]),
    );
}

/** Every check, on whatever build of the wasm backend the calling test file registered. */
export function describeElementwiseProgramChecks(): void {
  const backend = () => getBackend('wasm') as Backend<number>;

  describe('wasm elementwiseProgram equals its steps run one by one, bit for bit', () => {
    it('on random programs over small shapes (sizes around the block and SIMD widths, size 1, rank 0)', () => {
      const shapes = [[], [1], [2], [3], [4], [5], [7], [2, 4], [3, 5, 2], [511], [512], [513], [17, 61], [1025, 3]];
      fc.assert(
        fc.property(caseArbitrary(shapes), ([testCase, seed]) => {
          expect(compareFused(backend(), testCase, seededValues(seed))).toEqual([]);
        }),
        { numRuns: 300 },
      );
    });

    it('on random programs over outputs large enough to split across the thread pool', () => {
      fc.assert(
        fc.property(caseArbitrary([[66049], [3, 40001]]), ([testCase, seed]) => {
          expect(compareFused(backend(), testCase, seededValues(seed))).toEqual([]);
        }),
        { numRuns: 12 },
      );
    });

    it('rejects a program it cannot run with a BackendError naming what is wrong', () => {
      const input = allocateView(backend(), [2, 3], 0);
      const output = allocateView(backend(), [2, 3], 0);
      const run =
        (steps: ElementwiseProgram['steps'], inputs = [input]) =>
        () =>
          backend().elementwiseProgram!({ steps }, inputs, output);
      expect(run([{ op: 'exp', operands: [1] }])).toThrow(/step 0: operand 1 names neither/);
      expect(run([{ op: 'add', operands: [0] }])).toThrow(/add takes 2 operand/);
      expect(run([{ op: 'less' as FusibleOp, operands: [0, 0] }])).toThrow(/step 0: no op less/);
      expect(run(Array.from({ length: 17 }, () => ({ op: 'neg' as const, operands: [0] })))).toThrow(/17 steps/);
      expect(run([{ op: 'neg', operands: [0] }], [{ ...input, strides: [1, 2] }])).toThrow(/input 0 .* is neither contiguous/);
      expect(run([{ op: 'neg', operands: [0] }], [{ ...input, dtype: 'float64' }])).toThrow(BackendError);
      for (const view of [input, output]) backend().free(view.handle);
    });

    it('maximum and minimum return b on a (+0, -0) tie in f32x4 lanes as in row tails, as the cpu reference does', () => {
      // The row kernels' vector part once used f32x4.max/min, which order -0 below +0: a step's result then depended on
      // where its element fell in the row, and a fused block boundary could move it.
      const zeros = [0, -0, 0, -0, 0, -0, 0, -0, 0, -0, 0];
      const a = allocateView(backend(), [11], 0);
      const b = allocateView(backend(), [11], 0);
      const output = allocateView(backend(), [11], 0);
      backend().write(a.handle, new Float32Array(zeros), 0);
      backend().write(b.handle, new Float32Array(zeros.map((zero) => -zero)), 0);
      for (const op of ['maximum', 'minimum'] as const) {
        backend().binary(op, a, b, output);
        expect([...readBits(backend(), output)], op).toEqual(zeros.map((zero) => (Object.is(zero, 0) ? 0x80000000 : 0)));
      }
      for (const view of [a, b, output]) backend().free(view.handle);
    });

    for (const op of fusibleOps) {
      it(`${op} on every pair of special values, contiguous and broadcast`, () => {
        const pairs = specialValues.flatMap((a) => specialValues.map((b) => [a, b] as const));
        const steps = [{ op, operands: arity(op) === 1 ? [0] : [0, 1] }];
        const contiguous = compareFused(
          backend(),
          { steps, shape: [pairs.length], inputOffsets: [1, 2], outputOffset: 3 },
          (_, input) => pairs.map((pair) => pair[input]!),
        );
        expect(contiguous).toEqual([]);
        // Broadcast on either side (the row kernels' splat path), and on both (computed once, as a scalar).
        for (const [a, b] of pairs) {
          for (const inputOffsets of [
            [null, 0],
            [0, null],
            [null, null],
          ]) {
            const mismatches = compareFused(backend(), { steps, shape: [11], inputOffsets, outputOffset: 1 }, (count, input) =>
              count === 1 ? [input === 0 ? a : b] : specialValues.slice(input, input + count),
            );
            expect(mismatches, `${op}(${a}, ${b}), broadcast at ${inputOffsets}`).toEqual([]);
          }
        }
      });
    }
  });
}
