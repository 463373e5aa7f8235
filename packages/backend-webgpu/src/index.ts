/// <reference types="@webgpu/types" />
/**
 * @lantern/backend-webgpu: Lantern's WebGPU backend. Nothing happens on import; `await initWebGPU()` finds an adapter
 * (navigator.gpu in a browser, the `webgpu` package's Dawn in Node), opens a device and registers 'webgpu'.
 * @example
 * import { initWebGPU } from '@lantern/backend-webgpu';
 * import { setBackend, tensor } from '@lantern/tensor';
 * await initWebGPU();
 * setBackend('webgpu');
 * console.log(await tensor([[1, 2], [3, 4]]).float().matmul(tensor([1, 1]).float()).data()); // Float32Array [3, 7]
 */

export { WebGPUBackend } from './backend.js';
export type { BufferPool, PooledBuffer, PoolStatistics } from './buffer-pool.js';
export { WebGPUDeviceLostError, WebGPUUnavailableError } from './errors.js';
export type { Binding, ContextOptions, GpuContext } from './gpu-context.js';
export { initWebGPU, type WebGPUOptions } from './init.js';
export type { GpuView, WebGPUHandle } from './layout.js';
export { type FastKernelFactories, fastKernels, registerWebGPUBackend } from './register-all.js';
export type { KernelRuntime } from './runtime.js';
