/**
 * @lantern/backend-tfjs: Lantern's backend contract on TensorFlow.js (tfjs-core ops, any tfjs backend). Importing it
 * registers nothing; `await registerTfjsBackend({ tfjsBackend: 'cpu' })` sets tfjs up and registers 'tfjs'.
 * @example
 * import { setBackend, tensor } from '@lantern/tensor';
 * import { registerTfjsBackend } from '@lantern/backend-tfjs';
 * await registerTfjsBackend();
 * setBackend('tfjs');
 */

export { createTfjsBackend, type TfjsBackendOptions } from './backend.js';
export { tfjsFastKernels } from './fast-kernels.js';
export { clearIndexCache, indexCacheSize } from './index-cache.js';
export { type RegisterTfjsBackendOptions, registerTfjsBackend, type TfjsBackendName, tfjsBackendPackages } from './register.js';
export { TfjsStorage } from './storage.js';
export { type TfDType, type TfTensor, tf } from './tfjs.js';
