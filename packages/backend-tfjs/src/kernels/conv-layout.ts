import type { Conv2dAttributes } from '@lantern/tensor';
import { type TfTensor, tf } from '../tfjs.js';

/**
 * Layout conversions at the tfjs boundary: Lantern (and PyTorch) keep activations NCHW and filters [O, C, KH, KW];
 * tfjs's convolution kernels take NHWC activations on every backend and HWIO filters [KH, KW, C, O].
 */
export const nchwToNhwc = (x: TfTensor) => tf.transpose(x, [0, 2, 3, 1]);
export const nhwcToNchw = (x: TfTensor) => tf.transpose(x, [0, 3, 1, 2]);
export const oihwToHwio = (w: TfTensor) => tf.transpose(w, [2, 3, 1, 0]);
export const hwioToOihw = (w: TfTensor) => tf.transpose(w, [3, 2, 0, 1]);

export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** PyTorch's symmetric zero padding as tfjs's explicit NHWC padding. */
export function explicitPadding(attributes: Conv2dAttributes): ExplicitPadding {
  const [top, left] = attributes.padding;
  return [
    [0, 0],
    [top, top],
    [left, left],
    [0, 0],
  ];
}

/**
 * tfjs has no grouped convolution: split the channel (last, NHWC/HWIO) axis of each operand into `groups` parts, run
 * `convolve` per group and join the results along the channel axis.
 */
export function perGroup(groups: number, operands: readonly TfTensor[], convolve: (...parts: TfTensor[]) => TfTensor): TfTensor {
  if (groups === 1) return convolve(...operands);
  const split = operands.map((operand) => tf.split(operand, groups, operand.rank - 1));
  const results = split[0]!.map((_, group) => convolve(...split.map((parts) => parts[group]!)));
  return tf.concat(results, results[0]!.rank - 1);
}

const allOnes = (pair: readonly [number, number]) => pair[0] === 1 && pair[1] === 1;

/**
 * Why tfjs's kernels cannot run these attributes, or null when they can: tfjs's Conv2D takes a stride or a dilation
 * but not both (the weight gradient, a Conv2D with the two exchanged, inherits that), and its Conv2DBackpropInput
 * takes no dilation.
 */
export function unsupportedConvAttributes(
  kernel: 'conv2d' | 'backwardInput' | 'backwardWeight',
  attributes: Conv2dAttributes,
): string | null {
  if (kernel === 'backwardInput') return allOnes(attributes.dilation) ? null : 'tfjs Conv2DBackpropInput takes no dilation';
  return allOnes(attributes.stride) || allOnes(attributes.dilation) ? null : 'tfjs Conv2D takes a stride or a dilation, not both';
}
