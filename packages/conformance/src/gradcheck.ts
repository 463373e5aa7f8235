import { isFloating, noGrad, setBackend, type Tensor, tensor } from '@lantern/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildInput, type FixtureCase, loadCases, toTypedArray } from './fixtures.js';
import { ops } from './ops.js';

/** Cases at a kink (ties, zero, clamp bounds) where a central difference does not estimate the one-sided gradient. */
const nonSmooth = /ties|at zero|boundary|zero base|round|sign|floor|ceil/;

function objective(testCase: FixtureCase, inputs: Tensor[], upstream: Tensor): number {
  const result = ops[testCase.op]!(inputs, testCase.attrs);
  const first = Array.isArray(result) ? result[0]! : result;
  return first.mul(upstream).sum().item();
}

/** Compares autograd's gradient with central differences in float64 for every input that requires grad. */
export function gradcheck(testCase: FixtureCase, epsilon = 1e-6): void {
  const built = testCase.inputs.map((input) => buildInput(input, isFloating(input.dtype) ? 'float64' : input.dtype));
  const result = ops[testCase.op]!(
    built.map((b) => b.logical),
    testCase.attrs,
  );
  const first = Array.isArray(result) ? result[0]! : result;
  const upstream = tensor(toTypedArray(testCase.upstream!, 'float64'), { shape: first.shape, dtype: 'float64' });
  first.backward(upstream);
  built.forEach(({ leaf }, index) => {
    if (!testCase.inputs[index]!.grad) return;
    const analytic = leaf.grad!.dataSync();
    const values = leaf.dataSync();
    for (let i = 0; i < values.length; i++) {
      const probe = (delta: number) =>
        noGrad(() => {
          const shifted = Float64Array.from(values);
          shifted[i]! += delta;
          const inputs = built.map((b, j) => (j === index ? rebuild(testCase, j, shifted) : b.logical));
          return objective(testCase, inputs, upstream);
        });
      const numeric = (probe(epsilon) - probe(-epsilon)) / (2 * epsilon);
      const tolerance = 1e-6 + 1e-5 * Math.abs(numeric);
      if (Math.abs(numeric - analytic[i]!) > tolerance) {
        expect.fail(`${testCase.name}: input ${index} element ${i}: autograd ${analytic[i]}, finite difference ${numeric}`);
      }
    }
  });
}

function rebuild(testCase: FixtureCase, index: number, values: Float64Array): Tensor {
  const input = testCase.inputs[index]!;
  return buildInput({ ...input, values: Array.from(values), grad: false }, 'float64').logical;
}

/** Finite-difference gradient checks, in double precision, for every differentiable fixture case. */
export function describeGradChecks(backend: string, options: { setup?: () => Promise<void> | void } = {}): void {
  const cases = loadCases().filter((c) => c.grads && !nonSmooth.test(c.name));
  describe(`finite-difference gradient checks on ${backend}`, () => {
    beforeAll(async () => {
      await options.setup?.();
      setBackend(backend);
    });
    for (const testCase of cases) it(testCase.name, () => gradcheck(testCase));
  });
}
