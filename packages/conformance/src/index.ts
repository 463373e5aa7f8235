import { getBackend, setBackend, type Tensor, tensor } from '@lantern/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FastKernelCounter } from './fast-kernel-coverage.js';
import { buildInput, type FixtureCase, loadCases, mismatch, type Tolerance, toTypedArray } from './fixtures.js';
import { expectBackendMismatch, expectDisposedRefused } from './operand-checks.js';
import { ops } from './ops.js';

export { describeCompiledSteps } from './compiled-steps.js';
export { type FixtureCase, loadCases } from './fixtures.js';
export { describeGradChecks } from './gradcheck.js';
export { ops } from './ops.js';
export { expectClose, type FixtureValues, fromFixture } from './testing.js';

export interface ConformanceOptions {
  /** Case name → the reason this backend cannot run it. Every name must exist, so stale exclusions fail. */
  readonly exclude?: Readonly<Record<string, string>>;
  /** Runs before the suite (async backend initialisation). */
  readonly setup?: () => Promise<void> | void;
  /**
   * A second registered backend (default 'cpu') whose tensors the suite mixes in: every op must refuse an operand
   * there, and must run on its operands' backend while this one is active. The cpu backend names another instance.
   */
  readonly otherBackend?: string;
}

export interface RunCaseOptions {
  /** The backend active while the op runs, when it differs from the one the inputs live on. */
  readonly activeBackend?: string;
  /** Dispose the base of every view operand first, so that only the view holds the storage. */
  readonly disposeViewBases?: boolean;
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

export async function runCase(testCase: FixtureCase, backend: string, options: RunCaseOptions = {}): Promise<void> {
  if (!ops[testCase.op]) throw new Error(`conformance: no Lantern call for op '${testCase.op}' (add it to src/ops.ts)`);
  setBackend(backend);
  const built = testCase.inputs.map((input) => buildInput(input, input.dtype, backend));
  if (options.disposeViewBases) for (const { leaf, logical } of built) if (logical !== leaf) leaf.dispose();
  setBackend(options.activeBackend ?? backend);
  try {
    await checkCase(testCase, backend, built);
  } finally {
    setBackend(backend);
  }
}

/** Runs the op on the built inputs and compares outputs, then gradients, with the fixture; all on `backend`. */
async function checkCase(testCase: FixtureCase, backend: string, built: Array<{ leaf: Tensor; logical: Tensor }>) {
  const result = ops[testCase.op]!(
    built.map((b) => b.logical),
    testCase.attrs,
  );
  const outputs = Array.isArray(result) ? result : [result];
  expect(outputs.length).toBe(testCase.outputs.length);
  for (const [index, output] of outputs.entries()) {
    const expected = testCase.outputs[index]!;
    const tolerance = { ...defaultTolerance[expected.dtype]!, ...testCase.tolerance };
    expect(output.backend.name, `output ${index}: backend`).toBe(backend);
    await expectTensor(output, expected, tolerance, `output ${index}`);
  }
  if (!testCase.grads || !testCase.upstream) return;
  const first = outputs[0]!;
  const upstream = toTypedArray(testCase.upstream, first.dtype);
  first.backward(tensor(upstream, { shape: first.shape, dtype: first.dtype, backend }));
  for (const [index, expectedGrad] of testCase.grads.entries()) {
    if (!expectedGrad) continue;
    const input = testCase.inputs[index]!;
    const leaf = built[index]!.leaf;
    expect(leaf.grad, `input ${index} has a gradient`).not.toBeNull();
    expect(leaf.grad!.backend.name, `gradient of input ${index}: backend`).toBe(backend);
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
 * import { registerCpuBackend } from '@lantern/backend-cpu';
 * await registerCpuBackend();
 * describeConformance('cpu');
 */
export function describeConformance(backend: string, options: ConformanceOptions = {}): void {
  const cases = loadCases();
  const exclude = options.exclude ?? {};
  const other = options.otherBackend ?? 'cpu';
  const counter = new FastKernelCounter(backend);
  describe(`conformance on ${backend}`, () => {
    beforeAll(async () => {
      await options.setup?.();
      setBackend(backend);
      counter.start();
    });
    afterAll(() => counter.stop());
    it('lists only exclusions that name real cases', () => {
      const names = new Set(cases.map((c) => c.name));
      expect(Object.keys(exclude).filter((name) => !names.has(name))).toEqual([]);
    });
    for (const testCase of cases) {
      const reason = exclude[testCase.name];
      if (reason) it.skip(`${testCase.name} (excluded: ${reason})`, () => {});
      else it(testCase.name, () => runCase(testCase, backend));
    }
    // Runs after every case above (tests in a file run in order).
    it('reached every fast kernel the backend registers', () => counter.expectEveryKernelCalled());
  });
  // Every case again, with operands where they should not be: the checks that keep results from being silently wrong.
  describe(`operands on ${backend}: another backend ('${other}') and disposed tensors`, () => {
    beforeAll(async () => {
      await options.setup?.();
      setBackend(backend);
    });
    it(`has a second backend, '${other}', to mix in`, () => {
      expect(other, 'otherBackend must name a backend other than the one under test').not.toBe(backend);
      expect(getBackend(other).name).toBe(other);
    });
    for (const testCase of cases.filter((c) => !exclude[c.name])) {
      const name = testCase.name;
      it(`${name}: runs on its operands' backend while '${other}' is active`, () =>
        runCase(testCase, backend, { activeBackend: other }));
      if (testCase.inputs.length > 1) {
        it(`${name}: refuses an operand on '${other}'`, () => expectBackendMismatch(testCase, backend, other));
      }
      it(`${name}: refuses a disposed operand`, () => expectDisposedRefused(testCase, backend));
      if (testCase.inputs.some((input) => input.layout)) {
        it(`${name}: a view keeps its storage after its base is disposed`, () =>
          runCase(testCase, backend, { disposeViewBases: true }));
      }
    }
  });
}
