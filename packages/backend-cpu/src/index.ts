/**
 * @lantern/backend-cpu: Lantern's reference backend in plain JavaScript. Importing it registers nothing;
 * `await registerCpuBackend()` registers 'cpu' (the first backend registered becomes the active one).
 * @example
 * import { registerCpuBackend } from '@lantern/backend-cpu';
 * import { tensor } from '@lantern/tensor';
 * await registerCpuBackend();
 * tensor([1, 2, 3]).sum().item(); // 6
 */
export { createCpuBackend } from './backend.js';
export { type CpuBackendOptions, cpuFastKernels, registerCpuBackend } from './register-all.js';
