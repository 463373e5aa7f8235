import {
  adamUpdate as cpuAdamUpdate,
  conv2d as cpuConv2d,
  conv2dBackwardInput as cpuConv2dBackwardInput,
  conv2dBackwardWeight as cpuConv2dBackwardWeight,
  cpuFastKernels,
  maxPool2d as cpuMaxPool2d,
  maxPool2dBackward as cpuMaxPool2dBackward,
  sgdUpdate as cpuSgdUpdate,
  softmaxCrossEntropy as cpuSoftmaxCrossEntropy,
} from '@lantern/backend-cpu/kernels';
import type { FastKernelName, FastKernelSignatures, FastKernelTable } from '@lantern/tensor';
import { routedFastKernel } from './host-fallback.js';
import { avgPool2d, avgPool2dBackward, unsupportedAvgPoolAttributes } from './kernels/avg-pool2d.js';
import { unsupportedConvAttributes } from './kernels/conv-layout.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackwardInput } from './kernels/conv2d-backward-input.js';
import { conv2dBackwardWeight } from './kernels/conv2d-backward-weight.js';
import { maxPool2d, maxPool2dBackward } from './kernels/max-pool2d.js';
import { adamUpdate, sgdUpdate } from './kernels/optimizer-updates.js';
import { softmaxCrossEntropy } from './kernels/softmax-cross-entropy.js';

type Arguments<Name extends FastKernelName> = Parameters<FastKernelSignatures[Name]>;
// This package's kernels take views over its own storage; core hands fast kernels views typed over any storage.
type TfjsKernel<Name extends FastKernelName> = (...args: Arguments<Name>) => void;

/**
 * The optional fast kernels this backend registers, each routed: on tfjs's kernels where the active tfjs backend has
 * them (and supports the attributes), else Lantern's cpu kernel on host copies. The one place the list lives.
 */
export const tfjsFastKernels: FastKernelTable = {
  conv2d: routedFastKernel<Arguments<'conv2d'>>('conv2d', {
    tfjsKernels: () => ['Conv2D'],
    unsupported: (...[, , , , attributes]) => unsupportedConvAttributes('conv2d', attributes),
    onTfjs: conv2d as TfjsKernel<'conv2d'>,
    onHost: cpuConv2d,
  }),
  conv2dBackwardInput: routedFastKernel<Arguments<'conv2dBackwardInput'>>('conv2dBackwardInput', {
    tfjsKernels: () => ['Conv2DBackpropInput'],
    unsupported: (...[, , , attributes]) => unsupportedConvAttributes('backwardInput', attributes),
    onTfjs: conv2dBackwardInput as TfjsKernel<'conv2dBackwardInput'>,
    onHost: cpuConv2dBackwardInput,
  }),
  conv2dBackwardWeight: routedFastKernel<Arguments<'conv2dBackwardWeight'>>('conv2dBackwardWeight', {
    tfjsKernels: () => ['Conv2D'],
    unsupported: (...[, , , attributes]) => unsupportedConvAttributes('backwardWeight', attributes),
    onTfjs: conv2dBackwardWeight as TfjsKernel<'conv2dBackwardWeight'>,
    onHost: cpuConv2dBackwardWeight,
  }),
  // MaxPoolWithArgmax is used where it exists; the composition that replaces it needs only these two.
  maxPool2d: routedFastKernel<Arguments<'maxPool2d'>>('maxPool2d', {
    tfjsKernels: () => ['Max', 'ArgMax'],
    onTfjs: maxPool2d as TfjsKernel<'maxPool2d'>,
    onHost: cpuMaxPool2d,
  }),
  maxPool2dBackward: routedFastKernel<Arguments<'maxPool2dBackward'>>('maxPool2dBackward', {
    tfjsKernels: () => ['ScatterNd'],
    onTfjs: maxPool2dBackward as TfjsKernel<'maxPool2dBackward'>,
    onHost: cpuMaxPool2dBackward,
  }),
  avgPool2d: routedFastKernel<Arguments<'avgPool2d'>>('avgPool2d', {
    tfjsKernels: () => ['AvgPool'],
    unsupported: (input, output, attributes) => unsupportedAvgPoolAttributes(input.shape, output.shape, attributes),
    onTfjs: avgPool2d as TfjsKernel<'avgPool2d'>,
    onHost: cpuFastKernels.avgPool2d!,
  }),
  avgPool2dBackward: routedFastKernel<Arguments<'avgPool2dBackward'>>('avgPool2dBackward', {
    tfjsKernels: () => ['AvgPoolGrad'],
    unsupported: (gradOutput, gradInput, attributes) =>
      unsupportedAvgPoolAttributes(gradInput.shape, gradOutput.shape, attributes),
    onTfjs: avgPool2dBackward as TfjsKernel<'avgPool2dBackward'>,
    onHost: cpuFastKernels.avgPool2dBackward!,
  }),
  softmaxCrossEntropy: routedFastKernel<Arguments<'softmaxCrossEntropy'>>('softmaxCrossEntropy', {
    tfjsKernels: () => ['Max', 'Exp', 'Sum', 'Log', 'OneHot', 'Select'],
    onTfjs: softmaxCrossEntropy as TfjsKernel<'softmaxCrossEntropy'>,
    onHost: cpuSoftmaxCrossEntropy,
  }),
  sgdUpdate: routedFastKernel<Arguments<'sgdUpdate'>>('sgdUpdate', {
    tfjsKernels: () => ['Multiply', 'Sub', 'Add'],
    onTfjs: sgdUpdate as TfjsKernel<'sgdUpdate'>,
    onHost: cpuSgdUpdate,
  }),
  adamUpdate: routedFastKernel<Arguments<'adamUpdate'>>('adamUpdate', {
    tfjsKernels: () => ['Multiply', 'Add', 'Sqrt', 'RealDiv', 'Maximum'],
    onTfjs: adamUpdate as TfjsKernel<'adamUpdate'>,
    onHost: cpuAdamUpdate,
  }),
};
