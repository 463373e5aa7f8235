import { type Conv2dOptions, conv2d, manualSeed, randn, setBackend, type Tensor } from '@lantern/tensor';
import { expect } from 'vitest';
import { registerWasmBackend, setThreads, threadsReady } from './index.js';

await registerWasmBackend();

/** Asserts two tensors (any backends) match in shape, dtype and values within rtol/atol, naming the worst element. */
export function expectClose(actual: Tensor, expected: Tensor, rtol = 1e-5, atol = 1e-6, what = ''): void {
  expect(actual.shape, `${what} shape`).toEqual(expected.shape);
  expect(actual.dtype, `${what} dtype`).toBe(expected.dtype);
  const a = actual.dataSync(),
    e = expected.dataSync();
  let worst = -1,
    worstExcess = 0;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!,
      y = e[i]!;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(excess <= worstExcess)) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  expect(worst < 0 ? null : `${what} element ${worst}: ${a[worst]} vs ${e[worst]}`).toBeNull();
}

/**
 * Within `fraction` of the largest |expected| everywhere: Winograd's rounding error follows the layer's magnitude,
 * not each element's.
 */
export function expectWithinScale(actual: Tensor, expected: Tensor, fraction: number, what = ''): void {
  let largest = 0;
  for (const value of expected.dataSync()) largest = Math.max(largest, Math.abs(Number(value)));
  expectClose(actual, expected, 0, fraction * largest, what);
}

/** Bitwise equality (NaN equal to NaN). */
export function expectEqual(actual: Tensor, expected: Tensor, what = ''): void {
  expectClose(actual, expected, 0, 0, what);
}

/**
 * Runs `body` once per thread count: kernels choose their chunking from the thread count, so 1 and 3 threads
 * exercise different block sizes and channel splits. Tensors are created on cpu by the body and moved with .to().
 */
export async function forThreadCounts(body: (threads: number) => void): Promise<void> {
  for (const threads of [1, 3]) {
    setThreads(threads);
    await threadsReady();
    setBackend('cpu');
    body(threads);
  }
  setThreads(2);
}

/** A cpu leaf and its wasm copy, both requiring grad. */
export function leafPair(tensor: Tensor): [Tensor, Tensor] {
  return [tensor.detach().requiresGrad_(), tensor.detach().to('wasm').requiresGrad_()];
}

export interface ConvolutionCase {
  readonly name: string;
  readonly input: [number, number, number, number];
  readonly weight: [number, number, number, number];
  readonly options: Conv2dOptions;
  readonly bias?: boolean;
}

/** One convolution, forward and backward against the same upstream gradient, on cpu (expected) and wasm (actual). */
export interface ConvolutionRun {
  readonly expected: Tensor;
  readonly actual: Tensor;
  readonly upstream: Tensor;
  readonly x: Tensor;
  readonly xw: Tensor;
  readonly w: Tensor;
  readonly ww: Tensor;
  readonly b: Tensor | null;
  readonly bw: Tensor | null;
}

export function runConvolutionCase(testCase: ConvolutionCase, seed: number): ConvolutionRun {
  manualSeed(seed);
  const [x, xw] = leafPair(randn(testCase.input));
  const [w, ww] = leafPair(randn(testCase.weight));
  const [b, bw] = testCase.bias ? leafPair(randn([testCase.weight[0]])) : [null, null];
  const expected = conv2d(x, w, b, testCase.options);
  const actual = conv2d(xw, ww, bw, testCase.options);
  const upstream = randn(expected.shape);
  expected.backward(upstream);
  actual.backward(upstream.to('wasm'));
  return { expected, actual, upstream, x, xw, w, ww, b, bw };
}

/**
 * The weight gradient of a 5×5, padding-2 conv2d of random [input] images into `outChannels` channels, computed at
 * each of `threadCounts` in turn on wasm: every run must give the first run's bits (kernels sum in a fixed order).
 */
export async function expectWeightGradientSameAcrossThreads(input: number[], outChannels: number, threadCounts: number[]) {
  setBackend('wasm');
  manualSeed(7);
  const x = randn(input),
    w = randn([outChannels, input[1]!, 5, 5]),
    upstream = randn([input[0]!, outChannels, input[2]!, input[3]!]);
  const gradients: number[][] = [];
  for (const threads of threadCounts) {
    setThreads(threads);
    await threadsReady();
    const wr = w.detach().requiresGrad_();
    conv2d(x, wr, null, { padding: 2 }).backward(upstream);
    gradients.push(Array.from(wr.grad!.dataSync()));
  }
  for (const [run, gradient] of gradients.entries()) expect(gradient, `run ${run}`).toEqual(gradients[0]);
}
