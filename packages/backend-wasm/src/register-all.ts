import { type Backend, type FastKernelSignatures, registerBackend, registerFastKernel } from '@lantern/tensor';
import type { WasmContext } from './context.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackwardInput } from './kernels/conv2d-backward-input.js';
import { conv2dBackwardWeight } from './kernels/conv2d-backward-weight.js';
import { maxPool2d, maxPool2dBackward } from './kernels/max-pool2d.js';
import { adamUpdate, sgdUpdate } from './kernels/optimizer-updates.js';
import { softmaxCrossEntropy } from './kernels/softmax-cross-entropy.js';

/** Registers a wasm backend and all its fast kernels under its name: the one place the wasm kernel list lives. */
export function registerWasmBackend(backend: Backend, context: WasmContext): void {
  registerBackend(backend);
  const kernels: FastKernelSignatures = {
    conv2d: (...args) => conv2d(context, ...args),
    conv2dBackwardInput: (...args) => conv2dBackwardInput(context, ...args),
    conv2dBackwardWeight: (...args) => conv2dBackwardWeight(context, ...args),
    maxPool2d: (...args) => maxPool2d(context, ...args),
    maxPool2dBackward: (...args) => maxPool2dBackward(context, ...args),
    softmaxCrossEntropy: (...args) => softmaxCrossEntropy(context, ...args),
    sgdUpdate: (...args) => sgdUpdate(context, ...args),
    adamUpdate: (...args) => adamUpdate(context, ...args),
  };
  for (const [name, kernel] of Object.entries(kernels)) registerFastKernel(backend.name, name as 'conv2d', kernel as never);
}
