import { registerCpuBackend } from '@lantern/backend-cpu';
import { Generator, ones, randn, ShapeError, zeros } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, dropout, MaxPool2d } from './index.js';

await registerCpuBackend();

describe('Dropout', () => {
  it('zeroes about p of the elements in training and scales the rest by 1/(1-p)', () => {
    const layer = new Dropout(0.3, new Generator(1));
    const output = layer(ones([200, 100])).dataSync();
    const kept = output.filter((value) => value !== 0);
    expect(kept.every((value) => Math.abs(value - 1 / 0.7) < 1e-6)).toBe(true);
    // 20,000 Bernoulli(0.7) draws: the kept fraction is within 5 standard deviations (0.016) of 0.7.
    expect(Math.abs(kept.length / output.length - 0.7)).toBeLessThan(0.016);
  });

  it('passes the gradient through the same mask, scaled', () => {
    const x = randn([50, 40], { requiresGrad: true });
    const output = dropout(x, 0.5, true, new Generator(3));
    output.sum().backward();
    const mask = output.dataSync().map((value) => (value === 0 ? 0 : 2));
    expect([...x.grad!.dataSync()]).toEqual([...mask]);
  });

  it('is the identity in eval mode and for p = 0, gives zeros for p = 1, and repeats with a seeded generator', () => {
    const x = randn([4, 5]);
    expect(new Dropout(0.5).eval()(x)).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    expect(dropout(x, 1).abs().sum().item()).toBe(0);
    expect(dropout(x, 0.5, true, new Generator(9)).toArray()).toEqual(dropout(x, 0.5, true, new Generator(9)).toArray());
  });
});

describe('BatchNorm', () => {
  it('needs more than one value per channel in training, as PyTorch', () => {
    expect(() => new BatchNorm1d(3)(randn([1, 3]))).toThrow(/more than 1 value per channel/);
    expect(new BatchNorm1d(3).eval()(randn([1, 3])).shape).toEqual([1, 3]);
  });

  it('checks rank and channels with typed errors', () => {
    expect(() => new BatchNorm2d(3)(zeros([2, 3, 4]))).toThrow(ShapeError);
    expect(() => new BatchNorm2d(3)(zeros([2, 4, 2, 2]))).toThrow(/expected 3 channels/);
    expect(() => new BatchNorm1d(3)(zeros([2, 3, 2, 2]))).toThrow(/expected 2D or 3D input/);
  });

  it('keeps running statistics out of autograd and counts batches', () => {
    const layer = new BatchNorm2d(2);
    const x = randn([4, 2, 3, 3], { requiresGrad: true });
    layer(x).sum().backward();
    layer(x);
    expect(layer.runningMean!.requiresGrad).toBe(false);
    expect(layer.numBatchesTracked!.item()).toBe(2);
    expect(layer.runningVar!.gradFn).toBe(null);
  });
});

describe('2-D layers on unbatched [C, H, W] input', () => {
  it('give the batched result without the batch dim, as PyTorch', () => {
    const x = randn([3, 6, 6]);
    for (const layer of [
      new Conv2d(3, 2, 3, { padding: 1 }),
      new MaxPool2d(2),
      new AvgPool2d(3, { stride: 2 }),
      new AdaptiveAvgPool2d([2, null]),
    ]) {
      const unbatched = layer(x),
        batched = layer(x.unsqueeze(0));
      expect(unbatched.shape, String(layer)).toEqual(batched.shape.slice(1));
      expect(unbatched.toArray(), String(layer)).toEqual(batched.squeeze(0).toArray());
    }
  });
});
