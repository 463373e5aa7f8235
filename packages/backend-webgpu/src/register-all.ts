import { compositionsOnly, type FastKernelTable, registerBackend } from '@lantern/tensor';
import type { WebGPUBackend } from './backend.js';
import { avgPool2d, avgPool2dBackward } from './kernels/avg-pool2d.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackwardInput } from './kernels/conv2d-backward-input.js';
import { conv2dBackwardWeight } from './kernels/conv2d-backward-weight.js';
import { maxPool2d, maxPool2dBackward } from './kernels/max-pool2d.js';
import { adamUpdate, sgdUpdate } from './kernels/optimizer-updates.js';
import { softmaxCrossEntropy } from './kernels/softmax-cross-entropy.js';
import type { KernelRuntime } from './runtime.js';

/** The WebGPU backend's fast kernels, bound to one device's runtime: the one place the list lives. */
export function webgpuFastKernels(runtime: KernelRuntime): FastKernelTable {
  return {
    conv2d: conv2d(runtime),
    conv2dBackwardInput: conv2dBackwardInput(runtime),
    conv2dBackwardWeight: conv2dBackwardWeight(runtime),
    maxPool2d: maxPool2d(runtime),
    maxPool2dBackward: maxPool2dBackward(runtime),
    avgPool2d: avgPool2d(runtime),
    avgPool2dBackward: avgPool2dBackward(runtime),
    softmaxCrossEntropy: softmaxCrossEntropy(runtime),
    sgdUpdate: sgdUpdate(runtime),
    adamUpdate: adamUpdate(runtime),
  };
}

/**
 * Registers a WebGPU backend (synchronously, once its device exists) with its kernels. A backend that takes over a
 * registered name (a lost device reopened) replaces the kernels bound to the old device with its own.
 */
export function registerDeviceBackend(backend: WebGPUBackend, fastKernels: boolean): void {
  registerBackend(backend, fastKernels ? webgpuFastKernels(backend.runtime) : compositionsOnly);
}
