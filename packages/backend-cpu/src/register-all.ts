import { type Backend, compositionsOnly, type FastKernelTable, registerBackend, type TypedArray } from '@lantern/tensor';
import { createCpuBackend } from './backend.js';
import { avgPool2d, avgPool2dBackward } from './kernels/avg-pool2d.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackwardInput } from './kernels/conv2d-backward-input.js';
import { conv2dBackwardWeight } from './kernels/conv2d-backward-weight.js';
import { maxPool2d, maxPool2dBackward } from './kernels/max-pool2d.js';
import { adamUpdate, sgdUpdate } from './kernels/optimizer-updates.js';
import { softmaxCrossEntropy } from './kernels/softmax-cross-entropy.js';

/** The cpu backend's fast kernels: the one place the list lives (the compiler asks for every declared kernel). */
export const cpuFastKernels: FastKernelTable = {
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  softmaxCrossEntropy,
  sgdUpdate,
  adamUpdate,
};

export interface CpuBackendOptions {
  /** The name to select it by (default 'cpu'); another name registers a second, independent instance. */
  readonly name?: string;
  /** Register the fast kernels (default true); false runs core's compositions of primitives, for testing them. */
  readonly fastKernels?: boolean;
}

const registered = new Map<string, Backend<TypedArray>>();

/**
 * Registers the cpu backend (plain JavaScript kernels, one thread) and returns it. The same call shape as every
 * Lantern backend; calling it again with the same name returns the same backend.
 * @example
 * import { registerCpuBackend } from '@lantern/backend-cpu';
 * import { tensor } from '@lantern/tensor';
 * await registerCpuBackend();
 * tensor([1, 2, 3]).sum().item(); // 6
 */
export async function registerCpuBackend(options: CpuBackendOptions = {}): Promise<Backend<TypedArray>> {
  const name = options.name ?? 'cpu';
  const backend = registered.get(name) ?? createCpuBackend(name);
  registered.set(name, backend);
  registerBackend(backend, options.fastKernels === false ? compositionsOnly : cpuFastKernels);
  return backend;
}
