import { registerCpuBackend } from '@lantern/backend-cpu';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { registerWasmBackend } from '../index.js';
import { type ConvolutionCase, expectClose, expectWithinScale, forThreadCounts, runConvolutionCase } from '../test-helpers.js';

await registerCpuBackend();
await registerWasmBackend();

// Random shapes on the Winograd path (3×3 or 5×5, stride 1, channel counts multiples of 8): odd image sizes give
// partial tiles, paddings from 0 to kernel - 1 move the windows, batches of 1 to 3 cross images inside tile blocks.
const shapes = fc
  .record({
    kernel: fc.constantFrom(3, 5),
    batch: fc.integer({ min: 1, max: 3 }),
    inEighths: fc.integer({ min: 1, max: 3 }),
    outEighths: fc.integer({ min: 1, max: 3 }),
    height: fc.integer({ min: 1, max: 15 }),
    width: fc.integer({ min: 1, max: 15 }),
    padTop: fc.integer({ min: 0, max: 4 }),
    padLeft: fc.integer({ min: 0, max: 4 }),
    bias: fc.boolean(),
  })
  .map(({ kernel, batch, inEighths, outEighths, height, width, padTop, padLeft, bias }): ConvolutionCase => {
    const [ph, pw] = [Math.min(padTop, kernel - 1), Math.min(padLeft, kernel - 1)];
    // The output must be at least 1×1: grow the image where padding alone does not make room for the kernel.
    const [h, w] = [Math.max(height, kernel - 2 * ph), Math.max(width, kernel - 2 * pw)];
    return {
      name: `${kernel}×${kernel}`,
      input: [batch, 8 * inEighths, h, w],
      weight: [8 * outEighths, 8 * inEighths, kernel, kernel],
      options: { padding: [ph, pw] },
      bias,
    };
  });

describe('Winograd convolutions on random shapes', () => {
  it('match the cpu backend within 2e-5 of the largest value, forward and both gradients', async () => {
    await forThreadCounts(() => {
      fc.assert(
        fc.property(shapes, fc.integer({ min: 0, max: 1000 }), (testCase, seed) => {
          const { expected, actual, x, xw, w, ww, b, bw } = runConvolutionCase(testCase, seed);
          for (const [got, want, what] of [
            [actual, expected, 'output'],
            [xw.grad!, x.grad!, 'input gradient'],
            [ww.grad!, w.grad!, 'weight gradient'],
          ] as const) {
            expectWithinScale(got, want, 2e-5, `${JSON.stringify(testCase)} ${what}`);
          }
          if (b) expectClose(bw!.grad!, b.grad!, 1e-4, 1e-3, 'bias gradient');
        }),
        { numRuns: 60, seed: 20261126 },
      );
    });
  }, 120_000);
});
