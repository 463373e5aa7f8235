import { registerCpuBackend } from '@lantern/backend-cpu';
import { binaryOps, type DType, fromArray, Generator, type Tensor, unaryOps, where } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { firstMismatch, webgpuForTests } from './test-environment.js';

await registerCpuBackend();

// Every primitive on the same inputs on 'cpu' (the reference) and 'webgpu', through strided, broadcast, flipped and
// offset views, so kernels are checked on the layouts core really hands them.
const backend = await webgpuForTests();
const generator = new Generator(1234);

function randomTensor(shape: number[], dtype: DType = 'float32', low = -3, high = 3): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(size).map(() => low + (high - low) * generator.nextFloat24());
  const typed =
    dtype === 'float32'
      ? Float32Array.from(values)
      : dtype === 'int32'
        ? Int32Array.from(values, Math.round)
        : Uint8Array.from(values, (v) => (v > 0 ? 1 : 0));
  return fromArray(typed, shape, dtype, { backend: 'cpu' });
}

/** Layouts of a [4, 6] tensor built from a larger one: contiguous, transposed, strided slice, flipped, broadcast. */
function layouts(dtype: DType): Array<[string, Tensor]> {
  return [
    ['contiguous', randomTensor([4, 6], dtype)],
    ['transposed', randomTensor([6, 4], dtype).t()],
    ['strided slice with offset', randomTensor([9, 13], dtype).slice(0, 1, 9, 2).slice(1, 1, 13, 2)],
    ['flipped', randomTensor([4, 6], dtype).flip([0, 1])],
    ['broadcast row', randomTensor([1, 6], dtype).expand([4, 6])],
  ];
}

async function expectSame(cpu: Tensor, gpu: Tensor, what: string, rtol = 2e-5, atol = 1e-6): Promise<void> {
  expect(gpu.shape, what).toEqual(cpu.shape);
  expect(gpu.dtype, what).toBe(cpu.dtype);
  expect(firstMismatch(await gpu.data(), cpu.dataSync(), rtol, atol), what).toBeNull();
}

const onGpu = (t: Tensor) => t.to('webgpu');

describe.skipIf(!backend)('webgpu primitives match the cpu backend', () => {
  it('unary ops on float32 through every layout', async () => {
    for (const [layout, x] of layouts('float32')) {
      for (const op of unaryOps) {
        const input = op === 'log' || op === 'sqrt' ? x.abs().add(0.1) : x;
        const cpu = (input as unknown as Record<string, () => Tensor>)[op]!.call(input);
        const gpu = (onGpu(input) as unknown as Record<string, () => Tensor>)[op]!.call(onGpu(input));
        await expectSame(cpu, gpu, `${op} on ${layout}`, 1e-5, 2e-6);
      }
    }
  });

  it('unary ops on int32 and bool', async () => {
    const ints = randomTensor([3, 5], 'int32', -9, 9),
      bools = randomTensor([3, 5], 'bool');
    for (const op of ['neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'round', 'logicalNot', 'exp'] as const) {
      const cpu = (ints as unknown as Record<string, () => Tensor>)[op]!.call(ints);
      const gpu = (onGpu(ints) as unknown as Record<string, () => Tensor>)[op]!.call(onGpu(ints));
      await expectSame(cpu, gpu, `${op} on int32`);
    }
    await expectSame(bools.logicalNot(), onGpu(bools).logicalNot(), 'logicalNot on bool');
  });

  it('unary edge values: NaN, infinities, zeros, halves', async () => {
    const values = Float32Array.of(NaN, Infinity, -Infinity, 0, -0, 0.5, 1.5, 2.5, -2.5, -1, 1e-30, 100, -100, 1e-4);
    const x = fromArray(values, [values.length], 'float32', { backend: 'cpu' });
    for (const op of unaryOps) {
      if (op === 'logicalNot') continue;
      const cpu = (x as unknown as Record<string, () => Tensor>)[op]!.call(x);
      const gpu = (onGpu(x) as unknown as Record<string, () => Tensor>)[op]!.call(onGpu(x));
      await expectSame(cpu, gpu, `${op} of edge values`, 1e-5, 1e-6);
    }
  });

  it('binary ops on float32, int32 and bool with broadcasting', async () => {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const a = randomTensor([4, 6], dtype),
        b = randomTensor([1, 6], dtype).expand([4, 6]);
      for (const op of binaryOps) {
        if (dtype === 'bool' && !['equal', 'notEqual', 'logicalAnd', 'logicalOr', 'maximum', 'minimum'].includes(op)) continue;
        const method = {
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
        }[op];
        const right = op === 'pow' && dtype !== 'bool' ? b.abs() : b;
        const call = (x: Tensor, y: Tensor) => (x as unknown as Record<string, (o: Tensor) => Tensor>)[method]!.call(x, y);
        await expectSame(call(a, right), call(onGpu(a), onGpu(right)), `${op} on ${dtype}`, 1e-5, 1e-6);
      }
    }
  });

  it('pow with negative bases, integer exponents and scalars', async () => {
    const base = fromArray(Float32Array.of(-2, -1.5, 0, 0, 3, 2, -3, 4), [8], 'float32', { backend: 'cpu' });
    const exponent = fromArray(Float32Array.of(3, 2, -1, 0, 0.5, -2, 0.5, 2.5), [8], 'float32', { backend: 'cpu' });
    await expectSame(base.pow(exponent), onGpu(base).pow(onGpu(exponent)), 'pow');
    await expectSame(base.pow(2), onGpu(base).pow(2), 'pow scalar');
    await expectSame(base.mul(0.5).add(1), onGpu(base).mul(0.5).add(1), 'scalar operands');
  });

  it('where, copy with conversions, fill', async () => {
    const condition = randomTensor([4, 6], 'bool'),
      a = randomTensor([4, 6]),
      b = randomTensor([6, 4]).t();
    await expectSame(where(condition, a, b), where(onGpu(condition), onGpu(a), onGpu(b)), 'where');
    for (const [layout, x] of layouts('float32')) {
      for (const dtype of ['float32', 'int32', 'bool'] as const)
        await expectSame(x.cast(dtype), onGpu(x).cast(dtype), `cast ${layout} to ${dtype}`);
      await expectSame(x.contiguous(), onGpu(x).contiguous(), `contiguous ${layout}`);
    }
    const ints = randomTensor([5], 'int32', -9, 9);
    await expectSame(ints.cast('float32'), onGpu(ints).cast('float32'), 'int to float');
    await expectSame(ints.cast('bool'), onGpu(ints).cast('bool'), 'int to bool');
    const filled = onGpu(randomTensor([3, 4])).fill_(2.5);
    expect(Array.from(await filled.data())).toEqual(new Array(12).fill(2.5));
    const flipped = onGpu(randomTensor([6]));
    const expected = Array.from(await flipped.data()).reverse();
    flipped.copy_(flipped.flip(0));
    expect(Array.from(await flipped.data())).toEqual(expected);
  });

  it('reductions over every axis combination, strided inputs, long and short', async () => {
    const x = randomTensor([5, 7, 3]).permute(2, 0, 1);
    for (const dims of [[0], [1], [2], [0, 1], [1, 2], [0, 2], [0, 1, 2]]) {
      await expectSame(x.sum(dims, true), onGpu(x).sum(dims, true), `sum ${dims}`);
      await expectSame(x.amax(dims), onGpu(x).amax(dims), `amax ${dims}`);
      await expectSame(x.amin(dims), onGpu(x).amin(dims), `amin ${dims}`);
    }
    for (const dim of [0, 1, 2]) {
      await expectSame(x.argmax(dim), onGpu(x).argmax(dim), `argmax ${dim}`);
      await expectSame(x.argmin(dim, true), onGpu(x).argmin(dim, true), `argmin ${dim}`);
    }
    const long = randomTensor([3, 40000]);
    await expectSame(long.sum(1), onGpu(long).sum(1), 'long sum (split)', 1e-4, 1e-3);
    await expectSame(long.amax(1), onGpu(long).amax(1), 'long max (split)');
    await expectSame(long.argmax(1), onGpu(long).argmax(1), 'long argmax');
    const ties = fromArray(Float32Array.of(1, 3, 3, NaN, 2, NaN, 3, 3), [2, 4], 'float32', { backend: 'cpu' });
    await expectSame(ties.argmax(1), onGpu(ties).argmax(1), 'argmax ties and NaN');
    await expectSame(ties.amax(1), onGpu(ties).amax(1), 'amax NaN');
    const ints = randomTensor([4, 6], 'int32', -50, 50),
      bools = randomTensor([4, 6], 'bool');
    await expectSame(ints.sum(0), onGpu(ints).sum(0), 'int sum');
    await expectSame(bools.sum(1), onGpu(bools).sum(1), 'bool sum gives int32');
    await expectSame(ints.amax(1), onGpu(ints).amax(1), 'int max');
  });

  it('matmul: batched, transposed, broadcast batch, odd sizes, int32', async () => {
    const cases: Array<[Tensor, Tensor]> = [
      [randomTensor([3, 5]), randomTensor([5, 7])],
      [randomTensor([70, 33]), randomTensor([65, 33]).t()],
      [randomTensor([2, 3, 17, 9]), randomTensor([9, 66])],
      [randomTensor([4, 1, 8]).expand([4, 5, 8]), randomTensor([4, 8, 3])],
      [randomTensor([8, 3000]), randomTensor([3000, 8])],
      [randomTensor([5, 6], 'int32', -5, 5), randomTensor([6, 4], 'int32', -5, 5)],
    ];
    for (const [a, b] of cases) {
      await expectSame(a.matmul(b), onGpu(a).matmul(onGpu(b)), `matmul ${a.shape} x ${b.shape}`, 1e-4, 1e-4);
    }
  });
});
