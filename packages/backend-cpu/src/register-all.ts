import { type Backend, registerBackend, registerFastKernel } from '@lantern/tensor';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackwardInput } from './kernels/conv2d-backward-input.js';
import { conv2dBackwardWeight } from './kernels/conv2d-backward-weight.js';
import { maxPool2d, maxPool2dBackward } from './kernels/max-pool2d.js';
import { adamUpdate, sgdUpdate } from './kernels/optimizer-updates.js';
import { softmaxCrossEntropy } from './kernels/softmax-cross-entropy.js';

type Kernel = (...args: never[]) => void;

/** Registers a backend and the cpu fast kernels under its name: the one place the cpu backend's kernel list lives. */
export function registerCpuBackend(backend: Backend): void {
  registerBackend(backend);
  const kernels: Record<string, Kernel> = {
    conv2d,
    conv2dBackwardInput,
    conv2dBackwardWeight,
    maxPool2d,
    maxPool2dBackward,
    softmaxCrossEntropy,
    sgdUpdate,
    adamUpdate,
  };
  for (const [name, kernel] of Object.entries(kernels)) registerFastKernel(backend.name, name as 'conv2d', kernel as never);
}
