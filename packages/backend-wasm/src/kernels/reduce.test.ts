import { registerCpuBackend } from '@lantern/backend-cpu';
import { manualSeed, randn, setBackend } from '@lantern/tensor';
import { describe, it } from 'vitest';
import { registerWasmBackend } from '../index.js';
import { expectEqual } from '../test-helpers.js';

await registerCpuBackend();
await registerWasmBackend();

// Sums that keep a run of middle axes of a contiguous input (a convolution's bias gradient) run in one wasm call
// (sumAcrossF32) instead of one call per row; they must give the row walk's bits, which the cpu backend shares.
describe('float32 sums over leading and trailing axes in one call', () => {
  const cases: [string, number[], number[], boolean][] = [
    ['bias gradient [N, C, H, W] → [C]', [6, 8, 16, 16], [0, 2, 3], false],
    ['kept dims', [6, 8, 16, 16], [0, 2, 3], true],
    ['two kept axes', [3, 5, 7, 33], [0, 3], false],
    ['no leading axis', [6, 40, 17], [1, 2], false],
    ['no trailing axis', [50, 30], [0], false],
    ['an extent-1 axis among the kept ones', [4, 3, 1, 9, 9], [0, 3, 4], false],
    ['one kept element (takes the walk)', [64, 1, 8, 8], [0, 2, 3], false],
  ];
  for (const [name, shape, axes, keepdim] of cases) {
    it(`${name}: bitwise the cpu backend's sum`, () => {
      setBackend('cpu');
      manualSeed(11);
      const x = randn(shape).mul(100);
      expectEqual(x.to('wasm').sum(axes, keepdim), x.sum(axes, keepdim), name);
    });
  }
  it('a strided input takes the walk and agrees too', () => {
    setBackend('cpu');
    manualSeed(12);
    const x = randn([16, 8, 12, 8]);
    expectEqual(x.to('wasm').transpose(2, 3).sum([0, 2, 3]), x.transpose(2, 3).sum([0, 2, 3]), 'transposed');
  });
});
