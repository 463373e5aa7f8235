import { type Tensor, where } from '@lantern/tensor';
import { checkReduction } from './reduction.js';

export interface KlDivOptions {
  /** 'batchmean' (sum / batch size) is the mathematically right KL divergence; 'mean' averages every element. */
  reduction?: 'none' | 'mean' | 'sum' | 'batchmean';
  /** The target is given as log-probabilities too. */
  logTarget?: boolean;
}

/** y·log y with 0·log 0 = 0; the inner where keeps log(0) out of the gradient as well. */
function xlogx(values: Tensor): Tensor {
  const zero = values.eq(0);
  return where(zero, 0, values.mul(where(zero, 1, values).log()));
}

/**
 * torch.nn.functional.kl_div of log-probabilities `input` against probabilities `target` (or log-probabilities with
 * logTarget): target·(log target - input), or e^target·(target - input).
 * @example
 * klDiv(logits.logSoftmax(1), teacherProbabilities, { reduction: 'batchmean' })
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction('klDiv', reduction, ['none', 'mean', 'sum', 'batchmean']);
  const losses = options.logTarget ? target.exp().mul(target.sub(input)) : xlogx(target).sub(target.mul(input));
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return losses.sum();
  if (reduction === 'mean') return losses.mean();
  return input.ndim === 0 ? losses.sum() : losses.sum().div(input.shape[0]!);
}
