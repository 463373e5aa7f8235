import { registerCpuBackend } from '@lantern/backend-cpu';
import { binaryOps, manualSeed, randn, setBackend, type Tensor, tensor, unaryOps, where } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { registerWasmBackend } from '../index.js';
import { expectClose, expectEqual, forThreadCounts } from '../test-helpers.js';

await registerCpuBackend();
await registerWasmBackend();

// Inputs with zeros, halves (rounding ties), negatives and NaN, in strided and broadcast layouts.
function samples(): Tensor {
  setBackend('cpu');
  manualSeed(5);
  return tensor([0, -0.5, 0.5, 1.5, 2.5, -2.5, NaN, 3, -3, 1e-3, 7.25, -0.75]).add(randn([12]).mul(0.01).round());
}

describe('float32 elementwise primitives match the cpu backend', () => {
  const layouts: Record<string, (t: Tensor) => Tensor> = {
    contiguous: (t) => t,
    strided: (t) => t.reshape([3, 4]).t(),
    flipped: (t) => t.flip(0),
  };
  for (const op of unaryOps) {
    it(`unary ${op}`, () => {
      const x = samples()
        .abs()
        .add(op === 'log' || op === 'sqrt' ? 0 : -1);
      for (const [layout, arrange] of Object.entries(layouts)) {
        const call = (t: Tensor) =>
          op === 'logicalNot' ? t.logicalNot() : (t as unknown as Record<string, () => Tensor>)[op]!.call(t);
        const reference = call(arrange(x));
        const actual = call(arrange(x.to('wasm')));
        // Transcendentals go through f64 in both backends; allow one float32 ulp for libm differences.
        if (['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'erf'].includes(op))
          expectClose(actual, reference, 2e-7, 1e-30, `${op} ${layout}`);
        else expectEqual(actual, reference, `${op} ${layout}`);
      }
    });
  }
  for (const op of binaryOps) {
    it(`binary ${op}`, () => {
      manualSeed(9);
      const a = samples().reshape([3, 4]),
        b = randn([3, 4])
          .round()
          .where(randn([3, 4]).gt(0), a);
      const pairs: Array<[string, Tensor, Tensor]> = [
        ['same shape', a, b],
        ['row broadcast', a, b.narrow(0, 0, 1)],
        ['column broadcast', a, b.narrow(1, 1, 1)],
        ['scalar', a, b.narrow(0, 1, 1).narrow(1, 2, 1)],
        ['transposed', a.t(), b.t()],
      ];
      for (const [layout, x, y] of pairs) {
        const call = (p: Tensor, q: Tensor) => (p as unknown as Record<string, (o: Tensor) => Tensor>)[methodOf[op]]!.call(p, q);
        const reference = call(op === 'pow' ? x.abs() : x, y);
        const actual = call((op === 'pow' ? x.abs() : x).to('wasm'), y.to('wasm'));
        if (op === 'pow') expectClose(actual, reference, 2e-7, 1e-30, `${op} ${layout}`);
        else expectEqual(actual, reference, `${op} ${layout}`);
      }
    });
  }
  it('where, copy and fill', () => {
    const x = samples().reshape([3, 4]),
      y = randn([3, 4]);
    const condition = x.gt(0);
    expectEqual(where(condition.to('wasm'), x.to('wasm'), y.to('wasm').t().t()), where(condition, x, y));
    expectEqual(x.to('wasm').t().contiguous(), x.t().contiguous());
    expectEqual(x.to('wasm').flip(1).contiguous(), x.flip(1).contiguous());
    const filled = x.to('wasm').zerosLike();
    filled.t().fill_(2.5);
    expect(filled.toArray()).toEqual(x.fullLike(2.5).toArray());
    expectEqual(x.to('wasm').cast('int32').cast('float64'), x.cast('int32').cast('float64'));
  });
});

const methodOf: Record<string, string> = {
  add: 'add',
  sub: 'sub',
  mul: 'mul',
  div: 'div',
  pow: 'pow',
  maximum: 'maximum',
  minimum: 'minimum',
  less: 'lt',
  lessEqual: 'le',
  greater: 'gt',
  greaterEqual: 'ge',
  equal: 'eq',
  notEqual: 'ne',
  logicalAnd: 'logicalAnd',
  logicalOr: 'logicalOr',
};

describe('float32 reductions match the cpu backend', () => {
  it('sum, amax, amin and argmax over every axis set, contiguous and permuted', async () => {
    await forThreadCounts(() => {
      manualSeed(11);
      const x = randn([4, 5, 6, 7]);
      const axisSets = [undefined, [0], [1], [3], [0, 2, 3], [1, 2], [0, 1, 2, 3]];
      for (const layout of [x, x.permute([2, 0, 3, 1]), x.flip(3)]) {
        const wasm = layout.to('wasm');
        for (const axes of axisSets) {
          expectClose(wasm.sum(axes), layout.sum(axes), 1e-6, 1e-6, `sum ${axes}`);
          expectEqual(wasm.amax(axes), layout.amax(axes), `amax ${axes}`);
          expectEqual(wasm.amin(axes), layout.amin(axes), `amin ${axes}`);
        }
        expectEqual(wasm.argmax(2), layout.argmax(2), 'argmax');
      }
      const nanInput = tensor([1, NaN, 3, 2]);
      expect(Number.isNaN(nanInput.to('wasm').amax().item())).toBe(true);
      expect(Number.isNaN(nanInput.to('wasm').sum().item())).toBe(true);
    });
  });
});
