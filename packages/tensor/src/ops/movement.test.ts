import { registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import { arange, DisposedError, noGrad, ShapeError, Tensor, tensor } from '../index.js';

await registerCpuBackend();

describe('view (PyTorch’s view)', () => {
  it('takes a shape as arguments or as one array, and shares storage', () => {
    const x = arange(6).float();
    for (const viewed of [x.view(2, 3), x.view([2, 3])]) {
      expect(viewed).toBeInstanceOf(Tensor);
      expect(viewed.storage).toBe(x.storage);
      expect(viewed.shape).toEqual([2, 3]);
      expect(viewed.strides).toEqual([3, 1]);
      expect(viewed.toArray()).toEqual([
        [0, 1, 2],
        [3, 4, 5],
      ]);
    }
  });
  it('infers one extent given as -1', () => {
    expect(arange(12).view(3, -1).shape).toEqual([3, 4]);
    expect(arange(12).view(-1, 2, 2).shape).toEqual([3, 2, 2]);
    expect(arange(12).view(3, 4).view(-1).shape).toEqual([12]);
    expect(tensor([7]).view([]).shape).toEqual([]);
  });
  it('views non-contiguous layouts where the strides allow, with torch’s strides', () => {
    const permuted = arange(24).view(2, 3, 4).permute(1, 0, 2); // shape [3, 2, 4], strides [4, 12, 1]
    const split = permuted.view(3, 2, 2, 2);
    expect(split.storage).toBe(permuted.storage);
    expect(split.strides).toEqual([4, 12, 2, 1]);
    const columns = arange(12).view(3, 4).slice(1, 1, 3); // shape [3, 2], strides [4, 1], offset 1
    expect(columns.view(3, 2, 1).strides).toEqual([4, 1, 1]);
    expect(columns.view(3, 1, 2).strides).toEqual([4, 2, 1]);
    expect(columns.view(3, 1, 2).offset).toBe(1);
    expect(columns.view(3, 1, 2).toArray()).toEqual([[[1, 2]], [[5, 6]], [[9, 10]]]);
  });
  it('writes through to the tensor it views', () => {
    const x = arange(6).float();
    noGrad(() => x.view(2, 3).select(0, 1).fill_(-1));
    expect(x.toArray()).toEqual([0, 1, 2, -1, -1, -1]);
  });
  it('passes gradients back in the input’s shape', () => {
    const x = arange(6).float().requiresGrad_();
    x.view(3, 2)
      .mul(tensor([1, 10]))
      .sum()
      .backward();
    expect(x.grad!.shape).toEqual([6]);
    expect(x.grad!.toArray()).toEqual([1, 10, 1, 10, 1, 10]);
  });
  it('refuses a layout it cannot view, in PyTorch’s words, naming both shapes and suggesting reshape', () => {
    const transposed = arange(6).view(2, 3).t();
    expect(() => transposed.view(6)).toThrow(ShapeError);
    expect(() => transposed.view(6)).toThrow(
      "view: view size [6] is not compatible with input tensor's size and stride (shape [3, 2], strides [1, 3]): " +
        'at least one dimension spans across two contiguous subspaces. Use .reshape(...) instead.',
    );
    expect(() => arange(24).view(2, 3, 4).permute(1, 0, 2).view(3, 8)).toThrow(/view size \[3, 8\].*shape \[3, 2, 4\]/);
    expect(transposed.reshape(6).toArray()).toEqual([0, 3, 1, 4, 2, 5]); // reshape copies instead
  });
  it('refuses a shape of another size, or two inferred extents', () => {
    expect(() => arange(6).view(4)).toThrow(new ShapeError('view: shape [4] is invalid for input of shape [6] (size 6)'));
    expect(() => arange(6).view(-1, -1)).toThrow(/view: only one dimension can be inferred in \[-1, -1\]/);
  });
  it('without a shape is a ShapeError pointing at kernelView(), not the kernel layout', () => {
    const x = arange(6);
    const untyped = x as unknown as { view(): unknown };
    expect(() => untyped.view()).toThrow(ShapeError);
    expect(() => untyped.view()).toThrow(/view: expected a shape.*kernelView\(\)/);
  });
});

describe('viewAs (PyTorch’s view_as)', () => {
  it('views with the other tensor’s shape', () => {
    const x = arange(6).float();
    const viewed = x.viewAs(
      tensor([
        [0, 0],
        [0, 0],
        [0, 0],
      ]),
    );
    expect(viewed.storage).toBe(x.storage);
    expect(viewed.shape).toEqual([3, 2]);
  });
  it('refuses what view refuses', () => {
    expect(() => arange(6).view(2, 3).t().viewAs(arange(6))).toThrow(/Use \.reshape\(\.\.\.\) instead/);
  });
  it('refuses a shape (it takes a tensor), naming view', () => {
    const untyped = arange(6) as unknown as { viewAs(...shape: number[]): unknown };
    expect(() => untyped.viewAs(2, 3)).toThrow(ShapeError);
    expect(() => untyped.viewAs(2, 3)).toThrow(/viewAs: expected a Tensor.*got 2; view\(\.\.\.shape\) takes a shape/);
  });
});

describe('kernelView (the layout handed to kernels)', () => {
  it('is the storage handle, dtype, shape, strides and offset', () => {
    const x = arange(12).float().view(3, 4).slice(1, 1, 3);
    expect(x.kernelView('test', x.backend)).toEqual({
      handle: x.storage.handle,
      dtype: 'float32',
      shape: [3, 2],
      strides: [4, 1],
      offset: 1,
    });
  });
  it('refuses a disposed tensor, naming the op', () => {
    const x = arange(3);
    x.dispose();
    expect(() => x.kernelView('neg', x.backend)).toThrow(DisposedError);
    expect(() => x.kernelView('neg', x.backend)).toThrow(/^neg: a tensor of shape \[3\] was used after dispose\(\)$/);
  });
});
