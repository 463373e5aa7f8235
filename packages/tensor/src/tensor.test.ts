import { registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  arange,
  BackendError,
  cat,
  conv2d,
  DimError,
  DisposedError,
  eye,
  full,
  KernelNotFoundError,
  linspace,
  ones,
  ShapeError,
  setBackend,
  tensor,
  tidy,
  zeros,
} from './index.js';

await registerCpuBackend();

describe('creation', () => {
  it('infers dtype and shape like torch.tensor', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).dtype,
    ).toBe('int32');
    expect(tensor([1.5, 2]).dtype).toBe('float32');
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor(new Float64Array(6), { shape: [2, 3] }).shape).toEqual([2, 3]);
    expect(tensor(3.5).shape).toEqual([]);
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor(new Float32Array(5), { shape: [2, 3] })).toThrow(/5 values cannot fill shape \[2, 3\]/);
  });
  it('zeros, ones, full, arange, linspace, eye', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([2], { dtype: 'int32' }).toArray()).toEqual([1, 1]);
    expect(full([2], 7).dtype).toBe('int32');
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(linspace(0, 1, 5).dataSync())).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });
});

describe('views never copy', () => {
  it('reshape, permute, expand, slice and flip share storage', () => {
    const x = arange(24).reshape(2, 3, 4);
    for (const view of [
      x.permute(2, 0, 1),
      x.expand(5, 2, 3, 4),
      x.slice(2, 1, 3),
      x.flip(0),
      x.select(1, 2),
      x.unsqueeze(0),
      x.flatten(),
    ]) {
      expect(view.storage).toBe(x.storage);
    }
    expect(x.transpose(0, 2).reshape(-1).storage).not.toBe(x.storage); // not expressible as a view: copies
    expect(x.slice(2, 1, 3).toArray()).toEqual([
      [
        [1, 2],
        [5, 6],
        [9, 10],
      ],
      [
        [13, 14],
        [17, 18],
        [21, 22],
      ],
    ]);
  });
});

describe('errors name the op and the shapes', () => {
  it('broadcast mismatch', () => {
    expect(() => ones([2, 3]).add(ones([4]))).toThrow(new ShapeError('add: shapes [2, 3] and [4] cannot be broadcast together'));
  });
  it('matmul mismatch', () => {
    expect(() => ones([2, 3]).matmul(ones([4, 5]))).toThrow(/matmul: shapes \[2, 3\] and \[4, 5\] cannot be multiplied/);
  });
  it('conv2d channel mismatch', () => {
    expect(() => conv2d(ones([1, 3, 8, 8]), ones([4, 2, 3, 3]))).toThrow(
      /conv2d: input \[1, 3, 8, 8\] and weight \[4, 2, 3, 3\]/,
    );
  });
  it('bad dims', () => {
    expect(() => ones([2, 3]).sum(2)).toThrow(DimError);
    expect(() => ones([2, 3]).sum(2)).toThrow(/expected in \[-2, 1\]/);
    expect(() => cat([ones([2, 3]), ones([3, 2])], 0)).toThrow(/cat: shapes \[2, 3\] and \[3, 2\] differ outside dim 0/);
  });
  it('unknown backend and missing kernels', () => {
    expect(() => setBackend('nope')).toThrow(BackendError);
    expect(new KernelNotFoundError('conv2d', 'webgpu').message).toBe("kernel 'conv2d' is not implemented by backend 'webgpu'");
  });
});

describe('reading and printing', () => {
  it('prints like PyTorch', () => {
    expect(
      String(
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          { dtype: 'float32' },
        ),
      ),
    ).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(String(tensor([0.1, 0.25]))).toBe('tensor([0.1000, 0.2500])');
    expect(String(tensor([1, 2]))).toBe('tensor([1, 2], dtype=torch.int32)');
    expect(String(tensor([true, false]))).toBe('tensor([ True, False])');
    expect(String(tensor([1.5], { requiresGrad: true }))).toBe('tensor([1.5000], requires_grad=True)');
    expect(String(tensor([1.5], { requiresGrad: true }).mul(2))).toBe('tensor([3.], grad_fn=<MulBackward0>)');
  });
  it('item, toArray and await data()', async () => {
    expect(tensor([[2.5]]).item()).toBe(2.5);
    expect(() => tensor([1, 2]).item()).toThrow(/2 elements/);
    expect(Array.from(await arange(3).data())).toEqual([0, 1, 2]);
  });
});

describe('memory: dispose and tidy', () => {
  it('tidy disposes intermediates and keeps what it returns', () => {
    const x = ones([3]);
    let intermediate = x;
    const y = tidy(() => {
      intermediate = x.mul(2);
      return intermediate.add(1);
    });
    expect(intermediate.isDisposed).toBe(true);
    expect(y.isDisposed).toBe(false);
    expect(x.isDisposed).toBe(false);
    expect(() => intermediate.add(1)).toThrow(DisposedError);
    expect(y.toArray()).toEqual([3, 3, 3]);
  });
  it('a view keeps its storage alive after the base is disposed', () => {
    const base = arange(4);
    const view = base.slice(0, 1);
    base.dispose();
    expect(view.toArray()).toEqual([1, 2, 3]);
  });
});
