import { setBackend, type Tensor, tensor } from '@lantern/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildInput, type FixtureCase, loadCases, mismatch, type Tolerance, toTypedArray } from './fixtures.js';
import { ops } from './ops.js';

export { type FixtureCase, loadCases } from './fixtures.js';
export { describeGradChecks } from './gradcheck.js';
export { ops } from './ops.js';
export { expectClose, type FixtureValues, fromFixture } from './testing.js';

export interface ConformanceOptions {
  /** Case name → the reason this backend cannot run it. Every name must exist, so stale exclusions fail. */
  readonly exclude?: Readonly<Record<string, string>>;
  /** Runs before the suite (async backend initialisation). */
  readonly setup?: () => Promise<void> | void;
}

const defaultTolerance: Record<string, Tolerance> = {
  float32: { rtol: 1e-4, atol: 1e-5 },
  float64: { rtol: 1e-10, atol: 1e-12 },
  int32: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
};

async function expectTensor(actual: Tensor, expected: FixtureCase['outputs'][number], tolerance: Tolerance, what: string) {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  expect(actual.dtype, `${what}: dtype`).toBe(expected.dtype);
  const problem = mismatch(await actual.data(), toTypedArray(expected.values, expected.dtype), tolerance);
  expect(problem, what).toBeNull();
}

export async function runCase(testCase: FixtureCase, backend: string): Promise<void> {
  const call = ops[testCase.op];
  if (!call) throw new Error(`conformance: no Lantern call for op '${testCase.op}' (add it to src/ops.ts)`);
  setBackend(backend);
  const built = testCase.inputs.map((input) => buildInput(input));
  const result = call(
    built.map((b) => b.logical),
    testCase.attrs,
  );
  const outputs = Array.isArray(result) ? result : [result];
  expect(outputs.length).toBe(testCase.outputs.length);
  for (const [index, output] of outputs.entries()) {
    const expected = testCase.outputs[index]!;
    const tolerance = { ...defaultTolerance[expected.dtype]!, ...testCase.tolerance };
    await expectTensor(output, expected, tolerance, `output ${index}`);
  }
  if (!testCase.grads || !testCase.upstream) return;
  const first = outputs[0]!;
  first.backward(tensor(toTypedArray(testCase.upstream, first.dtype), { shape: first.shape, dtype: first.dtype }));
  for (const [index, expectedGrad] of testCase.grads.entries()) {
    if (!expectedGrad) continue;
    const input = testCase.inputs[index]!;
    const leaf = built[index]!.leaf;
    expect(leaf.grad, `input ${index} has a gradient`).not.toBeNull();
    const tolerance = { ...defaultTolerance[input.dtype]!, ...testCase.tolerance };
    await expectTensor(
      leaf.grad!,
      { shape: input.shape, dtype: input.dtype, values: expectedGrad },
      tolerance,
      `gradient of input ${index}`,
    );
  }
}

/**
 * Registers the conformance suite for one backend: every PyTorch fixture case, forward values and gradients.
 * @example
 * import { describeConformance } from '@lantern/conformance';
 * import '@lantern/backend-cpu';
 * describeConformance('cpu');
 */
export function describeConformance(backend: string, options: ConformanceOptions = {}): void {
  const cases = loadCases();
  const exclude = options.exclude ?? {};
  describe(`conformance on ${backend}`, () => {
    beforeAll(async () => {
      await options.setup?.();
      setBackend(backend);
    });
    it('lists only exclusions that name real cases', () => {
      const names = new Set(cases.map((c) => c.name));
      expect(Object.keys(exclude).filter((name) => !names.has(name))).toEqual([]);
    });
    for (const testCase of cases) {
      const reason = exclude[testCase.name];
      if (reason) it.skip(`${testCase.name} (excluded: ${reason})`, () => {});
      else it(testCase.name, () => runCase(testCase, backend));
    }
  });
}
