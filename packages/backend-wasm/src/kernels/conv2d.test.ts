import { registerCpuBackend } from '@lantern/backend-cpu';
import { conv2d, manualSeed, randn } from '@lantern/tensor';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { registerWasmBackend, useWinograd } from '../index.js';
import {
  type ConvolutionCase,
  expectClose,
  expectWeightGradientSameAcrossThreads,
  forThreadCounts,
  leafPair,
  runConvolutionCase,
} from '../test-helpers.js';

await registerCpuBackend();
await registerWasmBackend();

const cases: ConvolutionCase[] = [
  // The course CNN's three layers at batch 2.
  { name: 'conv1 3→32 5×5 pad 2 on 32×32', input: [2, 3, 32, 32], weight: [32, 3, 5, 5], options: { padding: 2 }, bias: true },
  { name: 'conv2 32→32 5×5 pad 2 on 16×16', input: [2, 32, 16, 16], weight: [32, 32, 5, 5], options: { padding: 2 }, bias: true },
  { name: 'conv3 32→64 5×5 pad 2 on 8×8', input: [2, 32, 8, 8], weight: [64, 32, 5, 5], options: { padding: 2 }, bias: true },
  // Shapes that leave the fast paths: odd widths, partial tiles and panels, strides, dilation, groups, no padding.
  { name: 'odd sizes 3×3 pad 1', input: [3, 5, 7, 9], weight: [6, 5, 3, 3], options: { padding: 1 }, bias: true },
  { name: 'no padding', input: [2, 4, 10, 11], weight: [5, 4, 3, 2], options: {} },
  { name: 'stride 2', input: [2, 3, 11, 13], weight: [7, 3, 3, 3], options: { stride: 2, padding: 1 }, bias: true },
  { name: 'dilation 2', input: [1, 2, 12, 12], weight: [3, 2, 3, 3], options: { dilation: 2, padding: 2 } },
  { name: 'groups 2', input: [2, 4, 9, 9], weight: [6, 2, 3, 3], options: { groups: 2, padding: 1 }, bias: true },
  { name: 'padding larger than kernel - 1', input: [1, 2, 5, 5], weight: [3, 2, 2, 2], options: { padding: 2 } },
  { name: '1×1 kernel', input: [4, 16, 6, 6], weight: [12, 16, 1, 1], options: {}, bias: true },
  // Over 1 MiB of packed output gradient (128 KiB an image): the weight gradient sums ranges of images separately.
  {
    name: 'conv1 at batch 12: weight gradient by ranges of images',
    input: [12, 3, 32, 32],
    weight: [32, 3, 5, 5],
    options: { padding: 2 },
  },
  { name: 'groups 2 by ranges of images', input: [20, 4, 32, 32], weight: [16, 2, 3, 3], options: { groups: 2, padding: 1 } },
];

// The direct kernels, held to tight tolerances: Winograd (on by default) has its own file, winograd.test.ts.
describe('conv2d fast kernels match the cpu backend', () => {
  beforeAll(() => useWinograd(false));
  afterAll(() => useWinograd(true));

  for (const testCase of cases) {
    it(testCase.name, async () => {
      await forThreadCounts(() => {
        const { expected, actual, x, xw, w, ww, b, bw } = runConvolutionCase(testCase, 7);
        expectClose(actual, expected, 1e-4, 1e-4, 'output');
        expectClose(xw.grad!, x.grad!, 1e-4, 1e-4, 'input gradient');
        expectClose(ww.grad!, w.grad!, 1e-4, 1e-3, 'weight gradient');
        if (b) expectClose(bw!.grad!, b.grad!, 1e-4, 1e-3, 'bias gradient');
      });
    });
  }

  it('gives bitwise the same weight gradient by ranges of images for any number of threads', async () => {
    await expectWeightGradientSameAcrossThreads([12, 3, 32, 32], 32, [1, 2, 3, 2]);
  });

  it('runs float64 through the reference loops', () => {
    manualSeed(3);
    const [x, xw] = leafPair(randn([2, 3, 6, 6]).double());
    const [w, ww] = leafPair(randn([4, 3, 3, 3]).double());
    const expected = conv2d(x, w, null, { padding: 1 }),
      actual = conv2d(xw, ww, null, { padding: 1 });
    expectClose(actual, expected, 1e-12, 1e-12);
    expected.sum().backward();
    actual.sum().backward();
    expectClose(xw.grad!, x.grad!, 1e-12, 1e-12);
    expectClose(ww.grad!, w.grad!, 1e-12, 1e-12);
  });
});
