import { BackendError, getBackend, getFastKernel, setBackend, tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { registerTfjsBackend, tf } from './index.js';

describe('registerTfjsBackend', () => {
  it("sets tfjs's backend and registers Lantern's tfjs backend with its fast kernels", async () => {
    const backend = await registerTfjsBackend({ tfjsBackend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(getBackend('tfjs')).toBe(backend);
    expect(backend.supportsSyncRead).toBe(true);
    expect(getFastKernel(backend, 'conv2d')).toBeDefined();
    setBackend('tfjs');
    expect(tensor([1, 2, 3]).sum().item()).toBe(6);
  });

  it('keeps one backend object per name, so tensors from before a second registration still mix with new ones', async () => {
    setBackend((await registerTfjsBackend()).name);
    const before = tensor([1, 2]);
    const again = await registerTfjsBackend({ tfjsBackend: 'cpu' });
    expect(getBackend('tfjs')).toBe(again);
    expect(Array.from(before.add(tensor([3, 4])).dataSync())).toEqual([4, 6]);
  });

  it('registers without fast kernels on request, under another name', async () => {
    const backend = await registerTfjsBackend({ name: 'tfjs-plain', fastKernels: false });
    expect(getFastKernel(backend, 'conv2d')).toBeUndefined();
  });

  it('names the package to import for a tfjs backend that is not loaded', async () => {
    await expect(registerTfjsBackend({ tfjsBackend: 'webgl' })).rejects.toThrow(BackendError);
    await expect(registerTfjsBackend({ tfjsBackend: 'webgl' })).rejects.toThrow(/import '@tensorflow\/tfjs-backend-webgl' first/);
  });
});
