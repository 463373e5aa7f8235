import { InvalidArgumentError, type Tensor, where } from '@lantern/tensor';
import { type Reduction, reduce } from './reduction.js';

export interface ReductionOptions {
  reduction?: Reduction;
}

/**
 * torch.nn.functional.mse_loss: (input - target)², reduced. Shapes broadcast, as in PyTorch.
 * @example
 * mseLoss(prediction, target) // mean squared error
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  return reduce('mseLoss', input.sub(target).square(), options.reduction ?? 'mean');
}

/** torch.nn.functional.l1_loss: |input - target|, reduced (the gradient at 0 is 0, as sign(0)). */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  return reduce('l1Loss', input.sub(target).abs(), options.reduction ?? 'mean');
}

export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1); 0 gives the L1 loss. */
  beta?: number;
}

/** torch.nn.functional.smooth_l1_loss: 0.5·d²/β where |d| < β, |d| - 0.5·β elsewhere. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new InvalidArgumentError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  // PyTorch treats β = 0 as the L1 loss; the quadratic branch would divide by zero (and poison the gradient).
  if (beta === 0) return l1Loss(input, target, options);
  const difference = input.sub(target),
    magnitude = difference.abs();
  const losses = where(magnitude.lt(beta), difference.square().mul(0.5 / beta), magnitude.sub(0.5 * beta));
  return reduce('smoothL1Loss', losses, options.reduction ?? 'mean');
}

export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/** torch.nn.functional.huber_loss: 0.5·d² where |d| < δ, δ·(|d| - 0.5·δ) elsewhere. */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new InvalidArgumentError(`huberLoss: delta must be positive, got ${delta}`);
  const difference = input.sub(target),
    magnitude = difference.abs();
  const losses = where(magnitude.lt(delta), difference.square().mul(0.5), magnitude.sub(0.5 * delta).mul(delta));
  return reduce('huberLoss', losses, options.reduction ?? 'mean');
}
