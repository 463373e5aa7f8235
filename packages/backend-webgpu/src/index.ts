/// <reference types="@webgpu/types" />
/**
 * @lantern/backend-webgpu: Lantern's WebGPU backend. Nothing happens on import; `await registerWebGPUBackend()` finds an adapter
 * (navigator.gpu in a browser, the `webgpu` package's Dawn in Node), opens a device and registers 'webgpu'.
 * @example
 * import { registerWebGPUBackend } from '@lantern/backend-webgpu';
 * import { setBackend, tensor } from '@lantern/tensor';
 * await registerWebGPUBackend();
 * setBackend('webgpu');
 * console.log(await tensor([[1, 2], [3, 4]]).float().matmul(tensor([1, 1]).float()).data()); // Float32Array [3, 7]
 */

export { WebGPUBackend } from './backend.js';
export type { BufferPool, PooledBuffer, PoolStatistics } from './buffer-pool.js';
export { WebGPUDeviceLostError, WebGPUUnavailableError } from './errors.js';
export type { Binding, CommandStatistics, ContextOptions, GpuContext } from './gpu-context.js';
export { registerWebGPUBackend, type WebGPUOptions } from './init.js';
export type { GpuView, WebGPUHandle } from './layout.js';
export { webgpuFastKernels } from './register-all.js';
export type { KernelRuntime } from './runtime.js';
