/**
 * @lantern/backend-cpu. Importing this module registers the 'cpu' backend (the explicit import is the registration).
 * @example
 * import '@lantern/backend-cpu';
 * import { tensor } from '@lantern/tensor';
 * tensor([1, 2, 3]).sum().item(); // 6
 */
import { createCpuBackend } from './backend.js';
import { registerCpuBackend } from './register-all.js';

registerCpuBackend(createCpuBackend());

export { createCpuBackend } from './backend.js';
export { registerCpuBackend } from './register-all.js';
