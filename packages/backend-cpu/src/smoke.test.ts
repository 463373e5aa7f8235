import { describe, expect, it } from 'vitest';
import './index.js';
import { tensor, conv2d, maxPool2d, randn, manualSeed, softmaxCrossEntropy, noGrad } from '@lantern/tensor';

describe('smoke', () => {
  it('autograd basics', () => {
    const x = tensor([2, 3], { dtype: 'float32', requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(x.grad!.toArray()).toEqual([4, 6]);
    console.log(String(x), String(y), String(x.grad));
  });
  it('conv fast vs composition', () => {
    manualSeed(0);
    const x = randn([2, 3, 8, 8], { requiresGrad: true });
    const w = randn([4, 3, 3, 3], { requiresGrad: true });
    const b = randn([4], { requiresGrad: true });
    const y = conv2d(x, w, b, { padding: 1, stride: 2 });
    const t = tensor([1, 3]);
    const { values } = maxPool2d(y, 2);
    const loss = softmaxCrossEntropy(values.flatten(1).narrow(1, 0, 4), t).sum();
    loss.backward();
    console.log(loss.item(), x.grad!.sum().item(), w.grad!.sum().item());
  });
});
