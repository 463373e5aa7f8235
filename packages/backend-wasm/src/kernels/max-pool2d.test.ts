import { registerCpuBackend } from '@lantern/backend-cpu';
import { manualSeed, maxPool2d, type Pool2dOptions, randn, tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { registerWasmBackend } from '../index.js';
import { expectClose, expectEqual, forThreadCounts, leafPair } from '../test-helpers.js';

await registerCpuBackend();
await registerWasmBackend();

const cases: Array<[string, [number, number, number, number], number, Pool2dOptions]> = [
  ['CNN 2×2 stride 2 on 32×32', [2, 32, 32, 32], 2, {}],
  ['2×2 on odd sizes (vector body and scalar tail)', [2, 3, 9, 19], 2, {}],
  ['3×3 stride 2 padding 1', [2, 4, 11, 10], 3, { stride: 2, padding: 1 }],
  ['2×2 ceil mode', [1, 2, 7, 7], 2, { ceilMode: true }],
  ['3×3 dilation 2 stride 1', [1, 2, 9, 9], 3, { stride: 1, dilation: 2 }],
];

describe('max pooling matches the cpu backend', () => {
  for (const [name, shape, kernel, options] of cases) {
    it(name, async () => {
      await forThreadCounts(() => {
        manualSeed(23);
        const source = randn(shape).round(); // rounding makes ties, where the first maximum must win
        const [x, xw] = leafPair(source);
        const expected = maxPool2d(x, kernel, options),
          actual = maxPool2d(xw, kernel, options);
        expectEqual(actual.values, expected.values, 'values');
        expectEqual(actual.indices, expected.indices, 'indices');
        const upstream = randn(expected.values.shape);
        expected.values.backward(upstream);
        actual.values.backward(upstream.to('wasm'));
        expectClose(xw.grad!, x.grad!, 0, 0, 'gradient');
      });
    });
  }

  it('picks the first NaN in window order, in the vector path and the tail', () => {
    const row = [1, NaN, 5, 2, NaN, 7, 3, 3, 0, 1];
    const input = tensor([
      [
        [row, row.map((v) => (Number.isNaN(v) ? 9 : -v))],
        [row.map((v) => -v), row],
      ],
    ]);
    const expected = maxPool2d(input, 2),
      actual = maxPool2d(input.to('wasm'), 2);
    expectEqual(actual.values, expected.values);
    expectEqual(actual.indices, expected.indices);
    expect(Number.isNaN(actual.values.dataSync()[0]!)).toBe(true);
  });
});
