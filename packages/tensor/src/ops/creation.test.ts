import { createCpuBackend, registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  arange,
  BackendError,
  DTypeError,
  eye,
  fromArray,
  full,
  linspace,
  ones,
  randint,
  randn,
  randperm,
  registerBackend,
  ShapeError,
  Storage,
  tensor,
  zeros,
} from '../index.js';

await registerCpuBackend();

describe('data entering a backend is checked first', () => {
  it('fromArray takes exactly one value per element', () => {
    expect(() => fromArray(new Float32Array(2), [4], 'float32')).toThrow(
      new ShapeError('fromArray: 2 values cannot fill shape [4] (4 elements)'),
    );
    expect(() => fromArray(new Float32Array(6), [2, 2], 'float32')).toThrow(/6 values cannot fill shape \[2, 2\]/);
    expect(fromArray(Int32Array.of(1, 2, 3, 4), [2, 2], 'float32').toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('shapes are lists of non-negative integers within the element limit', () => {
    for (const shape of [[-1], [2.5], [Number.NaN], [Infinity], [2 ** 20, 2 ** 20]]) {
      expect(() => zeros(shape), JSON.stringify(shape)).toThrow(ShapeError);
      expect(() => fromArray(new Float32Array(0), shape, 'float32'), JSON.stringify(shape)).toThrow(ShapeError);
    }
    expect(() => zeros(3 as never)).toThrow(new ShapeError('full: a shape is a list of extents, got 3'));
    expect(() => tensor(new Float32Array(4), { shape: [2, -2] })).toThrow(ShapeError);
    expect(() => tensor(new Float32Array(4), { shape: 4 as never })).toThrow(ShapeError);
    expect(zeros([0, 3]).shape).toEqual([0, 3]);
  });

  it('dtypes outside float32, float64, int32 and bool are DTypeErrors naming the supported ones', () => {
    const supported = /supported dtypes are float32, float64, int32, bool/;
    expect(() => zeros([2]).cast('float16' as never)).toThrow(
      new DTypeError("cast: unsupported dtype 'float16'; the supported dtypes are float32, float64, int32, bool"),
    );
    expect(() => zeros([2], { dtype: 'int64' as never })).toThrow(supported);
    expect(() => fromArray(new Float32Array(1), [1], 'uint8' as never)).toThrow(supported);
    expect(() => tensor([1], { dtype: 'half' as never })).toThrow(supported);
    expect(() => arange(3, { dtype: 'complex64' as never })).toThrow(supported);
    expect(() => randn([2], { dtype: 'bfloat16' as never })).toThrow(supported);
    expect(() => randint(0, 3, [2], { dtype: 'int8' as never })).toThrow(supported);
    expect(() => tensor(new Int16Array(2) as never)).toThrow(/^tensor: unsupported data Int16Array: expected a Float32Array/);
    expect(() => fromArray([1, 2] as never, [2], 'float32')).toThrow(/^fromArray: unsupported data Array/);
  });

  it('values are numbers or booleans', () => {
    expect(() => tensor(['a', 'b'] as never)).toThrow(new DTypeError("tensor: expected numbers or booleans, got string 'a'"));
    expect(() => tensor([[1], [null]] as never)).toThrow(/got null/);
    expect(() => tensor({ length: 2 } as never)).toThrow(DTypeError);
    expect(() => full([2], '1' as never)).toThrow(DTypeError);
  });

  it('counts and ranges of the other constructors', () => {
    expect(() => arange(0, Infinity)).toThrow(ShapeError);
    expect(() => arange(0, 2 ** 40)).toThrow(/arange: the number of values must be an integer/);
    expect(() => linspace(0, 1, -1)).toThrow(new ShapeError('linspace: steps must be an integer in [0, 2147483647], got -1'));
    expect(() => linspace(0, 1, 2.5)).toThrow(ShapeError);
    expect(() => eye(-1)).toThrow(ShapeError);
    expect(() => randperm(-3)).toThrow(ShapeError);
    expect(() => randint(0, 1.5, [2])).toThrow(ShapeError);
    expect(ones([2, 0]).size).toBe(0);
  });

  it('a backend that cannot allocate is a BackendError naming it', () => {
    const backend = createCpuBackend('cpu-small');
    registerBackend({
      ...backend,
      allocate: () => {
        throw new RangeError('Array buffer allocation failed');
      },
    });
    expect(() => Storage.allocate({ ...backend, allocate: () => new Float32Array(-1) }, 4, 'float32')).toThrow(BackendError);
    expect(() => zeros([4], { backend: 'cpu-small' })).toThrow(
      new BackendError("backend 'cpu-small' could not allocate 4 elements of float32: Array buffer allocation failed"),
    );
  });
});
