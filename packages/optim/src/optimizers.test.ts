import { registerCpuBackend } from '@lantern/backend-cpu';
import { getBackend, getFastKernel, registerFastKernel, type Tensor, unregisterFastKernel, zeros } from '@lantern/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOptimizer,
  expectClose,
  type OptimizerCase,
  optimizerFixture,
  setGrads,
  setUpCase,
} from './__fixtures__/fixtures.js';
import { OptimizerError, type Params } from './index.js';

await registerCpuBackend();

const cpu = getBackend('cpu');
const fusedNames = ['sgdUpdate', 'adamUpdate'] as const;
const originalKernels = { sgdUpdate: getFastKernel(cpu, 'sgdUpdate')!, adamUpdate: getFastKernel(cpu, 'adamUpdate')! };
const fusedCalls = { sgdUpdate: 0, adamUpdate: 0 };
const usesFusedKernel = (testCase: OptimizerCase) =>
  testCase.optimizer === 'SGD' ? 'sgdUpdate' : testCase.optimizer.startsWith('Adam') ? 'adamUpdate' : null;

/** Runs a fixture case for every stored step, checking the parameters after each step and the state at the end. */
function checkTrajectory(testCase: OptimizerCase): void {
  const { params, optimizer } = setUpCase(testCase);
  testCase.trajectory.forEach((expected, step) => {
    setGrads(params, step, testCase.dtype);
    optimizer.step();
    for (const [index, param] of params.entries()) {
      expectClose(param.dataSync(), expected[index]!, testCase.dtype, `step ${step + 1}, param ${index}`);
    }
  });
  const state = optimizer.stateDict().state;
  expect(Object.keys(state).sort()).toEqual(Object.keys(testCase.finalState).sort());
  for (const [index, expectedEntries] of Object.entries(testCase.finalState)) {
    const entries = state[index]!;
    expect(Object.keys(entries).sort()).toEqual(Object.keys(expectedEntries).sort());
    for (const [key, expected] of Object.entries(expectedEntries)) {
      const actual = entries[key];
      if (Array.isArray(expected))
        expectClose((actual as Tensor).dataSync(), expected, testCase.dtype, `final ${key} of param ${index}`);
      else expect(actual, `final ${key} of param ${index}`).toBe(expected);
    }
  }
}

describe.each([
  { mode: 'with the cpu fused kernels', fused: true },
  { mode: 'with the tensor-op composition (fused kernels unregistered)', fused: false },
])('optimizer trajectories match torch 1.13, $mode', ({ fused }) => {
  beforeAll(() => {
    for (const name of fusedNames) {
      unregisterFastKernel('cpu', name);
      if (!fused) continue;
      // A counting wrapper, so the test knows the fused path really ran.
      const original = originalKernels[name] as (...args: unknown[]) => void;
      registerFastKernel('cpu', name, ((...args: unknown[]) => {
        fusedCalls[name] += 1;
        original(...args);
      }) as never);
    }
  });
  afterAll(() => {
    for (const name of fusedNames) unregisterFastKernel('cpu', name); // the counting wrappers, if any
    registerFastKernel('cpu', 'sgdUpdate', originalKernels.sgdUpdate);
    registerFastKernel('cpu', 'adamUpdate', originalKernels.adamUpdate);
  });

  it.each(
    optimizerFixture.cases.map((testCase) => [`${testCase.optimizer}: ${testCase.name} (${testCase.dtype})`, testCase] as const),
  )('%s', (_label, testCase) => {
    const kernel = usesFusedKernel(testCase);
    const callsBefore = kernel ? fusedCalls[kernel] : 0;
    checkTrajectory(testCase);
    if (kernel && fused) expect(fusedCalls[kernel]).toBeGreaterThan(callsBefore);
    if (!fused) expect(getFastKernel(cpu, 'sgdUpdate') ?? getFastKernel(cpu, 'adamUpdate')).toBeUndefined();
  });
});

describe('argument validation raises PyTorch messages', () => {
  it.each(
    optimizerFixture.errors.map(
      (error) => [`${error.optimizer} ${JSON.stringify(error.options)} (${error.params})`, error] as const,
    ),
  )('%s', (_label, error) => {
    const weight = zeros([2]).requiresGrad_();
    const bias = zeros([2]).requiresGrad_();
    const params =
      error.params === 'empty'
        ? []
        : error.params === 'overlapping'
          ? [{ params: [weight, bias] }, { params: [bias] }]
          : [weight, bias];
    let thrown: unknown;
    try {
      createOptimizer(error.optimizer, params as Params, error.options);
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(OptimizerError);
    expect((thrown as Error).message).toBe(`${error.optimizer}: ${error.message}`);
  });
});
