import { registerCpuBackend } from '@lantern/backend-cpu';
import { conv2d, manualSeed, randn, setBackend, type Tensor } from '@lantern/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { registerWasmBackend, useWinograd } from '../index.js';
import {
  type ConvolutionCase,
  expectClose,
  expectWeightGradientSameAcrossThreads,
  expectWithinScale,
  forThreadCounts,
  runConvolutionCase,
} from '../test-helpers.js';

await registerCpuBackend();
await registerWasmBackend();

// Every case takes the Winograd path for the forward pass, the input gradient and the weight gradient (3×3 or 5×5,
// stride 1, channel counts that are multiples of 8).
const cases: ConvolutionCase[] = [
  { name: 'course conv2 32→32 on 16×16', input: [2, 32, 16, 16], weight: [32, 32, 5, 5], options: { padding: 2 }, bias: true },
  { name: 'course conv3 32→64 on 8×8', input: [3, 32, 8, 8], weight: [64, 32, 5, 5], options: { padding: 2 }, bias: true },
  { name: 'partial tiles: 7×9 output', input: [2, 8, 7, 9], weight: [8, 8, 5, 5], options: { padding: 2 }, bias: true },
  { name: 'no padding, 9×6 output', input: [1, 16, 13, 10], weight: [16, 16, 5, 5], options: {} },
  { name: 'asymmetric padding (1, 3)', input: [2, 8, 6, 5], weight: [24, 8, 5, 5], options: { padding: [1, 3] } },
  {
    name: 'many tiles: the weight gradient in three rounds (192 tiles of 32 KiB, 2 MiB a round)',
    input: [12, 64, 16, 16],
    weight: [64, 64, 5, 5],
    options: { padding: 2 },
  },
  {
    name: '3×3: 16→32 on 12×12, padding 1 (VGG-style)',
    input: [2, 16, 12, 12],
    weight: [32, 16, 3, 3],
    options: { padding: 1 },
    bias: true,
  },
  { name: '3×3: partial 6×6 tiles, 7×9 output', input: [2, 8, 7, 9], weight: [8, 8, 3, 3], options: { padding: 1 }, bias: true },
  { name: '3×3: no padding, 8×11 output', input: [1, 8, 10, 13], weight: [16, 8, 3, 3], options: {} },
  { name: '3×3: asymmetric padding (0, 2)', input: [1, 8, 6, 5], weight: [8, 8, 3, 3], options: { padding: [0, 2] } },
  {
    name: '3×3: many tiles (128, one round)',
    input: [8, 32, 24, 24],
    weight: [32, 32, 3, 3],
    options: { padding: 1 },
  },
  { name: 'padding 4 (input gradient needs none)', input: [1, 8, 3, 4], weight: [8, 8, 5, 5], options: { padding: 4 } },
];

/** Within 2e-5 of the largest expected value everywhere (Winograd F(4×4, 5×5) measured ~4e-6 on these). */
const expectNear = (actual: Tensor, expected: Tensor, what: string) => expectWithinScale(actual, expected, 2e-5, what);

describe('Winograd F(4×4, 5×5) and F(6×6, 3×3) convolutions match the cpu backend', () => {
  afterEach(() => useWinograd(true));

  for (const testCase of cases) {
    it(testCase.name, async () => {
      await forThreadCounts(() => {
        const { expected, actual, upstream, x, xw, w, ww, b, bw } = runConvolutionCase(testCase, 11);
        expectNear(actual, expected, 'output');
        expectNear(xw.grad!, x.grad!, 'input gradient');
        expectNear(ww.grad!, w.grad!, 'weight gradient');
        if (b) expectClose(bw!.grad!, b.grad!, 1e-4, 1e-3, 'bias gradient');

        // The direct kernels round differently: equal bits would mean the Winograd path never ran.
        useWinograd(false);
        const [xd, wd] = [xw.detach().requiresGrad_(), ww.detach().requiresGrad_()];
        const direct = conv2d(xd, wd, bw?.detach() ?? null, testCase.options);
        direct.backward(upstream.to('wasm'));
        useWinograd(true);
        expectClose(direct, expected, 1e-4, 1e-4, 'direct output');
        for (const [winograd, other, what] of [
          [actual, direct, 'output'],
          [xw.grad!, xd.grad!, 'input gradient'],
          [ww.grad!, wd.grad!, 'weight gradient'],
        ] as const) {
          expect(Array.from(other.dataSync()), `${what} from the direct kernels`).not.toEqual(Array.from(winograd.dataSync()));
        }
      });
    });
  }

  it('gives bitwise the same weight gradient for any number of threads and on every repeat', async () => {
    // Three rounds of tiles (192 tiles of 32 KiB, 2 MiB a round); the products once went to per-thread accumulators, so
    // the sum's order depended on which thread had claimed which tiles.
    await expectWeightGradientSameAcrossThreads([12, 64, 16, 16], 64, [1, 2, 3, 2, 3]);
  });

  it('leaves layers whose transformed filters would pass the workspace limit on the direct kernels', () => {
    // 520 × 520 channels: U would be 64 · 520² floats = 69 MB, over winogradWorkspaceLimit (64 MiB).
    setBackend('wasm');
    manualSeed(5);
    const x = randn([1, 520, 4, 4]),
      w = randn([520, 520, 5, 5]),
      upstream = randn([1, 520, 4, 4]);
    const run = () => {
      const [xr, wr] = [x.detach().requiresGrad_(), w.detach().requiresGrad_()];
      const y = conv2d(xr, wr, null, { padding: 2 });
      y.backward(upstream);
      return [y, xr.grad!, wr.grad!].map((t) => t.dataSync());
    };
    const winograd = run();
    useWinograd(false);
    const direct = run();
    ['output', 'input gradient', 'weight gradient'].forEach((what, i) => {
      const [a, b] = [winograd[i]!, direct[i]!];
      expect(
        a.findIndex((value, j) => value !== b[j]),
        `${what}: first element that differs`,
      ).toBe(-1);
    });
  });
});
