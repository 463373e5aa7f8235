import { registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import { AutogradError, enableGrad, noGrad, ones, tensor } from '../index.js';

await registerCpuBackend();

describe('autograd semantics follow PyTorch', () => {
  it('accumulates .grad across backward calls until zeroed', () => {
    const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    x.mul(2).sum().backward();
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([5, 5, 5]);
    x.grad = null;
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 4, 6]);
  });

  it("backward on a non-scalar needs a gradient, with PyTorch's message", () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(new AutogradError('grad can be implicitly created only for scalar outputs'));
    y.backward(tensor([1, 10], { dtype: 'float32' }));
    expect(x.grad!.toArray()).toEqual([2, 20]);
  });

  it('a second backward through a freed graph raises unless retainGraph', () => {
    const x = tensor([3], { dtype: 'float32', requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.toArray()).toEqual([12]);
    expect(() => y.backward()).toThrow(/backward through the graph a second time/);
  });

  it('backward on a tensor that does not require grad raises', () => {
    expect(() => tensor([1.5]).sum().backward()).toThrow(/does not require grad/);
  });

  it('noGrad records nothing; enableGrad records inside it; detach cuts the graph', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    const z = noGrad(() => enableGrad(() => x.mul(2)));
    expect(z.requiresGrad).toBe(true);
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
  });

  it('leaves and non-leaves: only leaves get .grad, unless retainGrad()', () => {
    const x = tensor([2], { dtype: 'float32', requiresGrad: true });
    const hidden = x.mul(3);
    const kept = x.mul(4);
    kept.retainGrad();
    hidden.add(kept).sum().backward();
    expect(x.isLeaf).toBe(true);
    expect(hidden.isLeaf).toBe(false);
    expect(hidden.grad).toBeNull();
    expect(kept.grad!.toArray()).toEqual([1]);
    expect(x.grad!.toArray()).toEqual([7]);
  });

  it('requiresGrad only on floating leaves', () => {
    expect(() => tensor([1, 2]).requiresGrad_()).toThrow(/only floating point tensors/);
    const y = tensor([1.5], { requiresGrad: true }).mul(2);
    expect(() => (y.requiresGrad = false)).toThrow(/leaf variables/);
  });

  it('gradients flow through views, broadcasting and a shared input', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float32', requiresGrad: true },
    );
    const y = x.transpose(0, 1).slice(0, 1).mul(x.sum(1)).sum(); // uses x twice
    y.backward();
    // y = sum_i s_i * (x[i,1] + x[i,2]) with s_i = sum_j x[i,j], so dy/dx[i,j] = [j >= 1] * s_i + (x[i,1] + x[i,2]).
    expect(x.grad!.toArray()).toEqual([
      [5, 11, 11],
      [11, 26, 26],
    ]);
  });

  it('.grad never aliases the gradient passed to backward()', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const seed = tensor([5, 6], { dtype: 'float32' });
    x.add(1).backward(seed);
    x.grad!.zero_();
    expect(seed.toArray()).toEqual([5, 6]);
  });

  it('two leaves fed the same gradient tensor get separate .grad storage', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    a.add(b).sum().backward();
    a.grad!.zero_();
    expect(b.grad!.toArray()).toEqual([1, 1]);
  });

  it('later backward calls accumulate into the same .grad tensor, in place', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(2).sum().backward();
    const first = x.grad;
    x.mul(3).sum().backward();
    expect(x.grad).toBe(first);
    expect(x.grad!.toArray()).toEqual([5, 5]);
  });

  it('in-place writes on a leaf that requires grad are refused outside noGrad', () => {
    const w = ones([2], { requiresGrad: true });
    expect(() => w.fill_(3)).toThrow(/in-place operation/);
    noGrad(() => w.fill_(3));
    expect(w.toArray()).toEqual([3, 3]);
  });
});
