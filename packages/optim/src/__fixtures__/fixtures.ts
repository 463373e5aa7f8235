// Loads the PyTorch fixtures written by scripts/generate_fixtures.py and builds what they describe (test support).
import { readFileSync } from 'node:fs';
import { type DType, fromArray, type Tensor } from '@lantern/tensor';
import { Adagrad, Adam, AdamW, type Optimizer, type Params, RMSprop, SGD } from '../index.js';

export interface OptimizerCase {
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  name: string;
  dtype: 'float32' | 'float64';
  options: Record<string, unknown>;
  groups?: { params: number[]; options: Record<string, unknown> }[];
  /** trajectory[step][param]: the parameter's values after step + 1 steps. */
  trajectory: number[][][];
  finalState: Record<string, Record<string, number[] | number | null>>;
}

export interface OptimizerFixture {
  torch: string;
  steps: number;
  shapes: number[][];
  initial: number[][];
  /** grads[step][param]: null where the parameter gets no gradient at that step. */
  grads: (number[] | null)[][];
  cases: OptimizerCase[];
  errors: { optimizer: OptimizerCase['optimizer']; params: string; options: Record<string, unknown>; message: string }[];
}

export interface SchedulerSpec {
  scheduler: string;
  args?: Record<string, unknown>;
}

export interface SchedulerCase {
  name: string;
  optimizer: 'SGD' | 'Adam';
  chain: SchedulerSpec[];
  steps: number;
  metrics?: number[];
  /** Explicit epochs passed to step(epoch), where the case tests the closed forms. */
  epochs?: number[];
  lrs: number[][];
  momenta?: number[][];
  lastLrs?: number[];
  stepPastEndMessage?: string;
}

export interface SchedulerFixture {
  cases: SchedulerCase[];
  errors: (SchedulerSpec & { message: string })[];
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as T;
}

export const optimizerFixture = load<OptimizerFixture>('optimizers.json');
export const schedulerFixture = load<SchedulerFixture>('lr-schedulers.json');

const constructors = { SGD, Adam, AdamW, RMSprop, Adagrad } as unknown as Record<
  string,
  new (
    params: Params,
    options: object,
  ) => Optimizer
>;

export function createOptimizer(kind: string, params: Params, options: object): Optimizer {
  return new constructors[kind]!(params, options);
}

export function tensorFrom(values: readonly number[], shape: readonly number[], dtype: DType, requiresGrad = false): Tensor {
  const array = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return fromArray(array, shape, dtype, { requiresGrad });
}

/** The fixture's parameters, fresh, and an optimizer over them configured as the case says. */
export function setUpCase(testCase: OptimizerCase, values = optimizerFixture.initial, options = testCase.options) {
  const params = values.map((initial, index) => tensorFrom(initial, optimizerFixture.shapes[index]!, testCase.dtype, true));
  const groups = testCase.groups?.map((group) => ({ ...group.options, params: group.params.map((index) => params[index]!) }));
  const optimizer = createOptimizer(testCase.optimizer, (groups ?? params) as Params, options);
  return { params, optimizer };
}

/** Gives every parameter the fixture's gradient for `step` (or none, where the fixture has null). */
export function setGrads(params: readonly Tensor[], step: number, dtype: DType): void {
  params.forEach((param, index) => {
    const grad = optimizerFixture.grads[step]![index];
    param.grad = grad ? tensorFrom(grad, param.shape, dtype) : null;
  });
}

/** Element-wise closeness at float precision: |a − e| ≤ atol + rtol·|e|; returns the worst violation ratio. */
export function worstMismatch(
  actual: ArrayLike<number>,
  expected: readonly number[],
  dtype: DType,
): { ratio: number; index: number } {
  const [atol, rtol] = dtype === 'float64' ? [1e-15, 1e-13] : [3e-7, 3e-6];
  let ratio = 0;
  let index = -1;
  if (actual.length !== expected.length) return { ratio: Infinity, index: -1 };
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i]! - expected[i]!) / (atol + rtol * Math.abs(expected[i]!));
    if (!(error <= ratio)) {
      ratio = Number.isNaN(error) ? Infinity : error;
      index = i;
    }
  }
  return { ratio, index };
}

export function expectClose(actual: ArrayLike<number>, expected: readonly number[], dtype: DType, label: string): void {
  const { ratio, index } = worstMismatch(actual, expected, dtype);
  if (ratio > 1) {
    throw new Error(
      `${label}: element ${index} is ${actual[index]}, PyTorch has ${expected[index]} ` +
        `(${ratio.toFixed(2)}× the ${dtype} tolerance; lengths ${actual.length} and ${expected.length})`,
    );
  }
}
