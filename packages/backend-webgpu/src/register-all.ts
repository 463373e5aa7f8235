import {
  type FastKernelName,
  type FastKernelSignatures,
  registerBackend,
  registeredBackends,
  registerFastKernel,
  unregisterFastKernel,
} from '@lantern/tensor';
import type { WebGPUBackend } from './backend.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackwardInput } from './kernels/conv2d-backward-input.js';
import { conv2dBackwardWeight } from './kernels/conv2d-backward-weight.js';
import { maxPool2d, maxPool2dBackward } from './kernels/max-pool2d.js';
import { adamUpdate, sgdUpdate } from './kernels/optimizer-updates.js';
import { softmaxCrossEntropy } from './kernels/softmax-cross-entropy.js';
import type { KernelRuntime } from './runtime.js';

/** Each fast kernel of the backend, made for one device's runtime. */
export type FastKernelFactories = {
  [Name in keyof FastKernelSignatures]?: (runtime: KernelRuntime) => FastKernelSignatures[Name];
};

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

/**
 * Registers a WebGPU backend (synchronously, once its device exists) together with its fast kernels. A backend that
 * takes over a registered name (initWebGPU reopening a lost device) replaces the kernels bound to the old device.
 */
export function registerWebGPUBackend(backend: WebGPUBackend): void {
  if (registeredBackends().includes(backend.name)) {
    for (const name of Object.keys(fastKernels)) unregisterFastKernel(backend.name, name as FastKernelName);
  }
  registerBackend(backend);
  for (const [name, factory] of Object.entries(fastKernels)) {
    registerFastKernel(backend.name, name as 'conv2d', (factory as (runtime: KernelRuntime) => never)(backend.runtime));
  }
}
