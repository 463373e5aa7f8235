import { type FastKernelSignatures, registerBackend, registerFastKernel } from '@lantern/tensor';
import type { WebGPUBackend } from './backend.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackwardInput } from './kernels/conv2d-backward-input.js';
import { conv2dBackwardWeight } from './kernels/conv2d-backward-weight.js';
import { maxPool2d, maxPool2dBackward } from './kernels/max-pool2d.js';
import { adamUpdate, sgdUpdate } from './kernels/optimizer-updates.js';
import { softmaxCrossEntropy } from './kernels/softmax-cross-entropy.js';
import type { KernelRuntime } from './runtime.js';

type FastKernelFactories = { [Name in keyof FastKernelSignatures]?: (runtime: KernelRuntime) => FastKernelSignatures[Name] };

/** The one list of fast kernels this backend provides; each is bound to the backend's runtime when registered. */
export const fastKernels: FastKernelFactories = {
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  maxPool2d,
  maxPool2dBackward,
  softmaxCrossEntropy,
  sgdUpdate,
  adamUpdate,
};

/** Registers a WebGPU backend (synchronously, once its device exists) together with its fast kernels. */
export function registerWebGPUBackend(backend: WebGPUBackend): void {
  registerBackend(backend);
  for (const [name, factory] of Object.entries(fastKernels)) {
    registerFastKernel(backend.name, name as 'conv2d', (factory as (runtime: KernelRuntime) => never)(backend.runtime));
  }
}
