import { registerCpuBackend } from '@lantern/backend-cpu';
import {
  BackendError,
  DTypeError,
  fromArray,
  Generator,
  getFastKernel,
  registeredBackends,
  SyncReadError,
  sgdUpdate_,
  type Tensor,
  tensor,
  zeros,
} from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM shared with bench/train.mjs, which runs without a TypeScript step.
import { createParameters, initialParameters, randomBatch, trainStep } from '../bench/course-cnn.mjs';
import { WebGPUBackend } from './backend.js';
import { WebGPUDeviceLostError, WebGPUUnavailableError } from './errors.js';
import { registerWebGPUBackend } from './init.js';
import { webgpuForTests } from './test-environment.js';

await registerCpuBackend();

const backend = await webgpuForTests();
const onGpu = { backend: 'webgpu' };

describe('registerWebGPUBackend without an adapter', () => {
  it('throws WebGPUUnavailableError naming every source it tried', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    const error = await registerWebGPUBackend({ name: 'webgpu-none', gpu: noAdapter }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebGPUUnavailableError);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toContain('options.gpu: requestAdapter() returned null');
    const throwing = {
      requestAdapter: async () => {
        throw new Error('adapter blocked');
      },
    } as unknown as GPU;
    const second = await registerWebGPUBackend({ name: 'webgpu-none', gpu: throwing }).catch((caught: unknown) => caught);
    expect((second as Error).message).toContain('adapter blocked');
    expect(registeredBackends()).not.toContain('webgpu-none');
  });
});

describe.skipIf(!backend)('webgpu storage, batching and errors', () => {
  it('is asynchronous only: dataSync throws SyncReadError, data() works', async () => {
    const x = tensor([1, 2, 3], onGpu);
    expect(() => x.dataSync()).toThrow(SyncReadError);
    expect(Array.from(await x.data())).toEqual([1, 2, 3]);
    expect(Array.from(await tensor([true, false, true], onGpu).data())).toEqual([1, 0, 1]);
  });

  it('refuses float64 with a DTypeError naming the backend', () => {
    expect(() => zeros([2], { ...onGpu, dtype: 'float64' })).toThrow(DTypeError);
    expect(() => zeros([2], { ...onGpu, dtype: 'float64' })).toThrow(/backend 'webgpu' does not support float64/);
  });

  it('hands out zero-filled storage even when the buffer is recycled', async () => {
    const handle = backend!.allocate(300, 'float32');
    backend!.write(handle, new Float32Array(300).fill(7), 0);
    backend!.free(handle);
    const recycled = backend!.allocate(300, 'float32');
    expect(recycled.buffer).toBe(handle.buffer);
    backend!.write(recycled, Float32Array.of(5), 10);
    const values = await backend!.read(recycled, 'float32', 0, 300);
    expect(values[10]).toBe(5);
    expect(Array.from(values).filter((value) => value !== 0)).toEqual([5]);
    backend!.free(recycled);
    backend!.free(recycled); // a second free (dispose then the finalizer) is harmless
    expect(() => backend!.write(recycled, Float32Array.of(1), 0)).toThrow(/used after free/);
  });

  it('orders host writes after the kernels already recorded that read the same storage', async () => {
    const x = fromArray(Float32Array.of(1, 2, 3), [3], 'float32', onGpu);
    const doubled = x.mul(2); // recorded, not submitted
    backend!.write(x.storage.handle as never, Float32Array.of(10, 20, 30), 0);
    const tripled = x.mul(3);
    expect(Array.from(await doubled.data())).toEqual([2, 4, 6]);
    expect(Array.from(await tripled.data())).toEqual([30, 60, 90]);
  });

  it('keeps the buffer pool and pipeline cache flat across training steps', async () => {
    // A backend of its own, so tensors of other tests (freed whenever the collector runs) cannot move its counts.
    const isolated = await registerWebGPUBackend({ name: 'webgpu-pool' });
    const parameters: Tensor[] = createParameters(initialParameters(new Generator(1)), 'webgpu-pool');
    const data = new Generator(2);
    const step = async () => {
      const loss = trainStep(parameters, randomBatch(data, 1));
      await loss.data();
      loss.dispose();
    };
    await step();
    await step();
    const settled = isolated.memory();
    for (let i = 0; i < 8; i++) await step();
    const after = isolated.memory();
    expect(after.buffersCreated).toBe(settled.buffersCreated);
    expect(after.buffersInUse).toBe(settled.buffersInUse);
    expect(after.bytesInUse).toBe(settled.bytesInUse);
    expect(after.pipelines).toBe(settled.pipelines);
    expect(after.buffersInUse).toBe(parameters.length);
    isolated.destroy();
  });

  it('reports a lost device with WebGPUDeviceLostError, and registerWebGPUBackend opens a new one', async () => {
    const doomed = await registerWebGPUBackend({ name: 'webgpu-doomed' });
    expect(doomed).toBeInstanceOf(WebGPUBackend);
    const x = tensor([1, 2], { backend: 'webgpu-doomed' });
    doomed.device.destroy();
    await doomed.device.lost;
    expect(doomed.isLost).toBe(true);
    expect(() => x.add(1)).toThrow(WebGPUDeviceLostError);
    await expect(x.data()).rejects.toThrow(/device was lost \(destroyed\)/);
    const doomedUpdate = getFastKernel(doomed, 'sgdUpdate');
    const replacement = await registerWebGPUBackend({ name: 'webgpu-doomed' });
    expect(replacement).not.toBe(doomed);
    expect(Array.from(await tensor([4, 5], { backend: 'webgpu-doomed' }).data())).toEqual([4, 5]);
    // The fast kernels are bound to the new device, replacing the lost one's.
    expect(getFastKernel(replacement, 'sgdUpdate')).not.toBe(doomedUpdate);
    const param = tensor([1, 2], { backend: 'webgpu-doomed', dtype: 'float32' });
    sgdUpdate_(param, tensor([0.5, -0.5], { backend: 'webgpu-doomed', dtype: 'float32' }), null, { lr: 2 });
    expect(Array.from(await param.data())).toEqual([0, 3]);
    replacement.destroy();
  });
});
