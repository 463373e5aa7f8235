import { registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import { avgPool2d, InvalidArgumentError, manualSeed, randn, setBackend } from '../index.js';

await registerCpuBackend();
await registerCpuBackend({ name: 'cpu-compositions', fastKernels: false });

/** avgPool2d forward and input gradient on one backend, from the same seeded input. */
async function averageAndGradient(backend: string, shape: number[], kernel: number, options: Parameters<typeof avgPool2d>[2]) {
  setBackend(backend);
  manualSeed(7);
  const x = randn(shape).requiresGrad_();
  const y = avgPool2d(x, kernel, options);
  y.mul(randn(y.shape)).sum().backward();
  const result = { shape: y.shape, values: await y.data(), grad: await x.grad!.data() };
  setBackend('cpu');
  return result;
}

describe('avgPool2d', () => {
  it('refuses a divisorOverride of zero or a fraction, as PyTorch', () => {
    const x = randn([1, 1, 4, 4]);
    expect(() => avgPool2d(x, 2, { divisorOverride: 0 })).toThrow(InvalidArgumentError);
    expect(() => avgPool2d(x, 2, { divisorOverride: 1.5 })).toThrow(
      'avgPool2d: divisorOverride must be a non-zero integer, got 1.5',
    );
  });

  const settings = [
    { shape: [2, 3, 9, 7], kernel: 3, options: { stride: 2, padding: 1, ceilMode: true, countIncludePad: false } },
    { shape: [1, 2, 8, 8], kernel: 2, options: {} },
    { shape: [1, 1, 7, 5], kernel: 3, options: { stride: 2, padding: 1, ceilMode: true } },
    { shape: [2, 1, 6, 6], kernel: 4, options: { stride: 1, padding: 2, divisorOverride: 3 } },
  ];
  it.each(settings)('the cpu fast kernels give the composition’s values and gradients: $shape k$kernel', async (setting) => {
    const fast = await averageAndGradient('cpu', setting.shape, setting.kernel, setting.options);
    const composed = await averageAndGradient('cpu-compositions', setting.shape, setting.kernel, setting.options);
    expect(fast.shape).toEqual(composed.shape);
    for (const [a, b] of [
      [fast.values, composed.values],
      [fast.grad, composed.grad],
    ] as const) {
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    }
  });
});
