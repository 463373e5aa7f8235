import { registerCpuBackend } from '@lantern/backend-cpu';
import { linear, manualSeed, randn, type Tensor, tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { registerWasmBackend } from '../index.js';
import { expectClose, forThreadCounts, leafPair } from '../test-helpers.js';

await registerCpuBackend();
await registerWasmBackend();

describe('matmul matches the cpu backend', () => {
  it('plain, transposed, flipped, broadcast-batch and edge-sized operands', async () => {
    await forThreadCounts(() => {
      manualSeed(13);
      const shapes: Array<[number, number, number]> = [
        [1, 1, 1],
        [3, 5, 7],
        [37, 53, 29],
        [64, 1024, 64],
        [1, 1024, 64],
        [9, 600, 17],
        [130, 9, 270],
      ];
      for (const [m, k, n] of shapes) {
        const a = randn([m, k]),
          b = randn([k, n]);
        const layouts: Array<[string, Tensor, Tensor]> = [
          ['plain', a, b],
          ['transposed b', a, b.t().contiguous().t()],
          ['transposed a', a.t().contiguous().t(), b],
          ['flipped', a.flip(1), b.flip(0)],
        ];
        for (const [name, x, y] of layouts) {
          expectClose(x.to('wasm').matmul(y.to('wasm')), x.matmul(y), 1e-5, 1e-4, `${m}×${k}·${k}×${n} ${name}`);
        }
      }
      const batched = randn([3, 2, 6, 5]),
        shared = randn([5, 4]);
      expectClose(batched.to('wasm').matmul(shared.to('wasm')), batched.matmul(shared), 1e-5, 1e-5, 'broadcast batch');
      expectClose(
        shared.t().to('wasm').matmul(batched.to('wasm').transpose(2, 3)),
        shared.t().matmul(batched.transpose(2, 3)),
        1e-5,
        1e-5,
        'batched rhs',
      );
      const vector = randn([5]);
      expectClose(batched.to('wasm').matmul(vector.to('wasm')), batched.matmul(vector), 1e-5, 1e-5, 'matrix-vector');
    });
  });

  it('linear forward and backward at the CNN head shapes', async () => {
    await forThreadCounts(() => {
      manualSeed(17);
      for (const batch of [1, 64]) {
        const [x, xw] = leafPair(randn([batch, 1024]));
        const [w, ww] = leafPair(randn([64, 1024]).mul(0.03));
        const [b, bw] = leafPair(randn([64]));
        const expected = linear(x, w, b),
          actual = linear(xw, ww, bw);
        expectClose(actual, expected, 1e-5, 1e-4);
        expected.square().sum().backward();
        actual.square().sum().backward();
        expectClose(xw.grad!, x.grad!, 1e-4, 1e-4, 'input gradient');
        expectClose(ww.grad!, w.grad!, 1e-4, 1e-4, 'weight gradient');
        expectClose(bw.grad!, b.grad!, 1e-4, 1e-4, 'bias gradient');
      }
    });
  });

  it('outer products (K = 1) give the reference bits, negative zeros included', async () => {
    await forThreadCounts(() => {
      manualSeed(19);
      // Zeros of both signs against both signs: the reference adds each product to +0, so -0 products become +0.
      const signs = (count: number, pattern: number[]) => Array.from({ length: count }, (_, i) => pattern[i % pattern.length]!);
      const column = randn([70, 1]).mul(tensor(signs(70, [1, 0, -0, 2, -3])).reshape([70, 1]));
      const row = randn([1, 1037]).mul(tensor(signs(1037, [1, -0, 0, -1])).reshape([1, 1037]));
      const expected = Array.from(column.matmul(row).dataSync()),
        actual = Array.from(column.to('wasm').matmul(row.to('wasm')).dataSync());
      expect(actual.findIndex((value, i) => !Object.is(value, expected[i]))).toBe(-1);
    });
  });

  it('handles empty operands: K = 0 gives zeros, M = 0 gives an empty result', () => {
    const empty = randn([3, 0])
      .to('wasm')
      .matmul(randn([0, 4]).to('wasm'));
    expect(empty.toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(
      randn([0, 5])
        .to('wasm')
        .matmul(randn([5, 2]).to('wasm')).shape,
    ).toEqual([0, 2]);
  });

  it('runs float64 and int32 through the reference loops', () => {
    manualSeed(19);
    const a = randn([7, 9]).double(),
      b = randn([9, 4]).double();
    expectClose(a.to('wasm').matmul(b.to('wasm')), a.matmul(b), 1e-14, 1e-14);
    const i = randn([3, 4]).mul(5).int(),
      j = randn([4, 2]).mul(5).int();
    expectClose(i.to('wasm').matmul(j.to('wasm')), i.matmul(j), 0, 0);
  });
});
