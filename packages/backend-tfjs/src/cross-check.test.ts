import { registerCpuBackend } from '@lantern/backend-cpu';
import { cat, pad, setBackend, type Tensor, tensor, where } from '@lantern/tensor';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTfjsBackend } from './index.js';

await registerCpuBackend();

// Random programs of Lantern ops run on the cpu backend (the reference) and on the tfjs adapter must give the same
// values and the same gradient. Programs are data, so fast-check can shrink a failing one to a minimal sequence.

interface Step {
  readonly kind: string;
  /** Picks the op's variant and its dims, interpreted against the current shape. */
  readonly choice: number;
  /** Seeds the values of a second operand. */
  readonly seed: number;
}

interface Program {
  readonly shape: number[];
  readonly values: number[];
  readonly steps: Step[];
}

/** Deterministic values in [-2, 2) for a second operand, the same on both backends. */
function operandValues(size: number, seed: number): Float32Array {
  const values = new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state / 2 ** 32) * 4 - 2;
  }
  return values;
}

const operand = (shape: readonly number[], seed: number) =>
  tensor(
    operandValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    { shape: [...shape] },
  );

const unaryOps: Array<(x: Tensor) => Tensor> = [
  (x) => x.neg(),
  (x) => x.abs(),
  (x) => x.relu(),
  (x) => x.tanh(),
  (x) => x.sigmoid(),
  (x) => x.sin(),
  (x) => x.tanh().exp(),
  (x) => x.abs().add(1).log(),
  (x) => x.abs().add(0.5).sqrt(),
  (x) => x.square(),
];
const binaryOps: Array<(x: Tensor, y: Tensor | number) => Tensor> = [
  (x, y) => x.add(y),
  (x, y) => x.sub(y),
  (x, y) => x.mul(y),
  (x, y) => x.maximum(y),
  (x, y) => x.minimum(y),
  (x, y) => x.div(typeof y === 'number' ? Math.abs(y) + 1 : y.abs().add(1)),
];

/** One step of a program; steps that do not fit the current shape leave the tensor as it is. */
function apply(x: Tensor, { kind, choice, seed }: Step): Tensor {
  const rank = x.ndim,
    dim = rank > 0 ? choice % rank : 0,
    small = x.size <= 96;
  switch (kind) {
    case 'unary':
      return unaryOps[choice % unaryOps.length]!(x);
    case 'binary': {
      // Broadcast: the operand keeps some of x's dims and has 1 in the others (bits of `choice`), or is a scalar.
      const shape = x.shape.map((extent, axis) => ((choice >> (axis + 3)) & 1 ? 1 : extent));
      const other = choice % 7 === 6 ? 0.75 : operand(shape, seed);
      return binaryOps[choice % binaryOps.length]!(x, other);
    }
    case 'transpose':
      return rank >= 2 ? x.transpose(dim, (choice >> 3) % rank) : x;
    case 'flip':
      return rank >= 1 ? x.flip(dim) : x;
    case 'slice': {
      if (rank === 0) return x;
      const extent = x.shape[dim]!;
      return x.slice(dim, (choice >> 3) % extent, undefined, 1 + ((choice >> 5) % 2));
    }
    case 'reshape': {
      if (choice % 3 === 0) return x.flatten();
      if (choice % 3 === 1) return x.unsqueeze(rank > 0 ? (choice >> 2) % (rank + 1) : 0);
      return rank >= 2 ? x.flatten(dim === rank - 1 ? dim - 1 : dim, (dim === rank - 1 ? dim - 1 : dim) + 1) : x;
    }
    case 'reduce': {
      if (rank === 0) return x;
      const keep = ((choice >> 3) & 1) === 1;
      return [x.sum(dim, keep), x.mean(dim, keep), x.amax(dim, keep)][(choice >> 4) % 3]!;
    }
    case 'softmax':
      return rank >= 1 ? x.softmax(dim) : x;
    case 'matmul':
      return rank >= 2 ? x.matmul(operand([x.shape[rank - 1]!, 1 + (choice % 3)], seed)) : x;
    case 'cat':
      return small && rank >= 1 ? cat([x, x.mul(2)], dim) : x;
    case 'pad':
      return small && rank >= 1 ? pad(x, [choice % 2, 1]) : x;
    case 'where':
      return where(x.gt(0), x, x.mul(0.5));
    case 'expand':
      return small ? x.unsqueeze(0).expand([2, ...x.shape]) : x;
    default:
      return x.contiguous();
  }
}

function run(program: Program, backend: string) {
  setBackend(backend);
  const leaf = tensor(Float32Array.from(program.values), { shape: program.shape });
  leaf.requiresGrad = true;
  const result = program.steps.reduce(apply, leaf as Tensor);
  result.mul(operand(result.shape, 7)).sum().backward();
  return { shape: result.shape, values: Array.from(result.dataSync()), grad: Array.from(leaf.grad!.dataSync()) };
}

const kinds = [
  'unary',
  'binary',
  'transpose',
  'flip',
  'slice',
  'reshape',
  'reduce',
  'softmax',
  'matmul',
  'cat',
  'pad',
  'where',
  'expand',
  'contiguous',
];

const programs: fc.Arbitrary<Program> = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    values: fc.array(fc.float({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true }), {
      minLength: shape.reduce((a, b) => a * b, 1),
      maxLength: shape.reduce((a, b) => a * b, 1),
    }),
    steps: fc.array(fc.record({ kind: fc.constantFrom(...kinds), choice: fc.nat(255), seed: fc.nat() }), {
      minLength: 1,
      maxLength: 8,
    }),
  }),
);

function close(actual: number[], expected: number[]): boolean {
  return (
    actual.length === expected.length &&
    actual.every((a, i) => {
      const e = expected[i]!;
      return Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) <= 1e-4 + 1e-4 * Math.abs(e);
    })
  );
}

describe('random op sequences: tfjs adapter against the cpu backend', () => {
  beforeAll(async () => {
    await registerTfjsBackend({ tfjsBackend: 'cpu' });
  });

  it('gives the same values and gradients', () => {
    fc.assert(
      fc.property(programs, (program) => {
        const expected = run(program, 'cpu');
        const actual = run(program, 'tfjs');
        expect(actual.shape).toEqual(expected.shape);
        expect(close(actual.values, expected.values), `values ${actual.values} vs ${expected.values}`).toBe(true);
        expect(close(actual.grad, expected.grad), `gradient ${actual.grad} vs ${expected.grad}`).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
