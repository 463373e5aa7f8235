import { registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  arange,
  BackendError,
  BackendMismatchError,
  conv2d,
  DisposedError,
  DTypeError,
  linear,
  randn,
  ShapeError,
  setBackend,
  softmaxCrossEntropy,
  stack,
  type Tensor,
  tensor,
  zeros,
} from './index.js';

// A second cpu instance with the same fast kernels: distinct storage, so mixing it with 'cpu' is a real mismatch.
await registerCpuBackend();
await registerCpuBackend({ name: 'cpu-elsewhere' });
setBackend('cpu');

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the action to throw');
}

describe('operands on different backends', () => {
  const elsewhere = (t: Tensor) => t.to('cpu-elsewhere');

  it('are refused by the fast-kernel paths, naming the op and both backends', () => {
    const images = randn([1, 3, 8, 8]),
      weight = randn([4, 3, 3, 3]);
    const error = thrown(() => conv2d(images, elsewhere(weight)));
    expect(error).toBeInstanceOf(BackendMismatchError);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.message).toBe(
      "conv2d: expected all tensors on backend 'cpu', but found one on 'cpu-elsewhere' (shapes [1, 3, 8, 8] and " +
        "[4, 3, 3, 3]); move it with .to('cpu') (or the others with .to('cpu-elsewhere'))",
    );
    expect(error).toMatchObject({ op: 'conv2d', expectedBackend: 'cpu', foundBackend: 'cpu-elsewhere' });
    const targets = tensor([1, 0], { dtype: 'int32' });
    expect(() => softmaxCrossEntropy(randn([2, 3]), elsewhere(targets))).toThrow(/^softmaxCrossEntropy: expected all/);
  });

  it('are refused by compositions under the name the user called', () => {
    expect(() => linear(randn([2, 3]), elsewhere(randn([4, 3])))).toThrow(/^linear: .*'cpu-elsewhere'/);
    expect(() => stack([zeros([2]), elsewhere(zeros([2]))])).toThrow(/^stack: /);
    expect(() => zeros([2]).lt(elsewhere(zeros([2])))).toThrow(/^lt: /);
  });

  it('never reach a kernel, even through a path that skips the op-level check', () => {
    const x = zeros([2]);
    expect(() => x.kernelView('neg', elsewhere(x).backend)).toThrow(BackendMismatchError);
  });

  it('include a gradient given to backward', () => {
    const x = randn([3], { requiresGrad: true });
    expect(() => x.mul(2).backward(elsewhere(zeros([3])))).toThrow(/^backward: .*the gradient given to backward/);
  });

  it('run where their operands live, whichever backend is active', () => {
    const x = randn([2, 3]);
    setBackend('cpu-elsewhere');
    try {
      expect(x.add(1).softmax(1).backend.name).toBe('cpu');
    } finally {
      setBackend('cpu');
    }
  });
});

describe('a disposed tensor', () => {
  it('is refused by every read, naming it', async () => {
    const x = arange(4).float();
    x.dispose();
    expect(() => x.dataSync()).toThrow(new DisposedError('dataSync: a tensor of shape [4] was used after dispose()'));
    await expect(x.data()).rejects.toThrow(DisposedError);
    expect(() => x.toArray()).toThrow(DisposedError);
    expect(() => x.reshape(2, 2).item()).toThrow(DisposedError);
    expect(() => x.to('cpu-elsewhere')).toThrow(DisposedError);
  });

  it('is refused by ops that would hand it back unchanged', () => {
    const x = zeros([2, 3]),
      scalar = zeros([]);
    x.dispose();
    scalar.dispose();
    for (const op of [
      () => x.contiguous(),
      () => x.cast('float32'),
      () => x.expand(2, 3),
      () => x.zerosLike(),
      () => x.to('cpu'),
      () => x.detach(),
      () => scalar.transpose(0, 0),
      () => scalar.t(),
      () => scalar.clamp(),
    ]) {
      expect(op).toThrow(DisposedError);
    }
  });

  it('can be disposed again harmlessly, and views made before keep their storage', () => {
    const base = arange(6).float();
    const view = base.view(2, 3).t();
    base.dispose();
    base.dispose();
    expect(view.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(() => base.view(3, 2)).toThrow(DisposedError);
    view.dispose();
    view.dispose();
    expect(() => view.sum()).toThrow(DisposedError);
  });
});

describe('setData (PyTorch\u2019s tensor.data = source)', () => {
  it('moves a tensor to another backend in place, keeping the object', () => {
    const weight = randn([2, 3]);
    const values = weight.toArray();
    const moved = weight.to('cpu-elsewhere');
    expect(weight.setData(moved)).toBe(weight);
    moved.dispose();
    expect(weight.backend.name).toBe('cpu-elsewhere');
    expect(weight.toArray()).toEqual(values);
  });

  it('refuses another shape or dtype, and a disposed source', () => {
    const weight = zeros([2, 3]);
    expect(() => weight.setData(zeros([3, 2]))).toThrow(ShapeError);
    expect(() => weight.setData(zeros([2, 3], { dtype: 'float64' }))).toThrow(DTypeError);
    const gone = zeros([2, 3]);
    gone.dispose();
    expect(() => weight.setData(gone)).toThrow(DisposedError);
  });
});
