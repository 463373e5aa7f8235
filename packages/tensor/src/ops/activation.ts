import { noGrad } from '../autograd/grad-mode.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { observeOp, observingOps } from '../trace.js';
import { amax } from './reduce.js';
import { where } from './where.js';

/** Limits values to [min, max]; the gradient passes where min <= x <= max, as torch.clamp's does. */
export function clamp(input: Tensor, min?: number | null, max?: number | null): Tensor {
  if (observingOps) return observeOp('clamp', clamp, [input, min, max]);
  input.assertNotDisposed('clamp');
  let output = input;
  if (min !== undefined && min !== null) output = where(input.lt(min), min, output);
  if (max !== undefined && max !== null) output = where(input.gt(max), max, output);
  return output;
}

export function leakyRelu(input: Tensor, negativeSlope = 0.01): Tensor {
  if (observingOps) return observeOp('leakyRelu', leakyRelu, [input, negativeSlope]);
  return where(input.gt(0), input, input.mul(negativeSlope));
}

/** GELU, exact (erf) by default or the tanh approximation, as torch.nn.functional.gelu. */
export function gelu(input: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (observingOps) return observeOp('gelu', gelu, [input, approximate]);
  if (approximate === 'tanh') {
    const inner = input.add(input.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return input.mul(0.5).mul(inner.tanh().add(1));
  }
  return input.mul(0.5).mul(input.mul(Math.SQRT1_2).erf().add(1));
}

// Subtracting the max keeps exp() from overflowing; it is a constant for the gradient because softmax is
// shift-invariant, so it is taken outside autograd.
function shiftedByMax(input: Tensor, dim: number): Tensor {
  const max = noGrad(() => amax(input, dim, true));
  return input.sub(max);
}

/**
 * softmax along `dim`, stable for large inputs.
 * @example
 * tensor([1, 2, 3]).float().softmax(0) // tensor([0.0900, 0.2447, 0.6652])
 */
export function softmax(input: Tensor, dim: number): Tensor {
  if (observingOps) return observeOp('softmax', softmax, [input, dim]);
  const axis = normalizeDim('softmax', dim, input.ndim);
  const exps = shiftedByMax(input, axis).exp();
  return exps.div(exps.sum(axis, true));
}

export function logSoftmax(input: Tensor, dim: number): Tensor {
  if (observingOps) return observeOp('logSoftmax', logSoftmax, [input, dim]);
  const axis = normalizeDim('logSoftmax', dim, input.ndim);
  const shifted = shiftedByMax(input, axis);
  return shifted.sub(shifted.exp().sum(axis, true).log());
}
