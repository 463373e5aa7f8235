import {
  arange,
  cast,
  checkValues,
  DTypeError,
  formatShape,
  InvalidArgumentError,
  isFloating,
  ShapeError,
  softmaxCrossEntropy,
  type Tensor,
  where,
} from '@lantern/tensor';
import { checkReduction, type Reduction } from './reduction.js';

export interface NllLossOptions {
  /** A rescaling weight per class, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing, to the loss or to the mean's divisor (default -100). */
  ignoreIndex?: number;
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: (1 - ε) · target + ε / C. */
  labelSmoothing?: number;
}

/** Unbatched input [C] (target []) runs as a batch of one; the helper undoes that for reduction 'none'. */
function batched(input: Tensor, target: Tensor, probabilities: boolean) {
  if (input.ndim === 1)
    return { input: input.unsqueeze(0), target: probabilities ? target.unsqueeze(0) : target.reshape([1]), unbatched: true };
  return { input, target, unbatched: false };
}

/** Throws on a wrong dtype, shape or (where readable now) class index; returns whether any target is ignoreIndex, or
 * null when the values cannot be read synchronously. */
function checkClassTargets(op: string, input: Tensor, target: Tensor, ignoreIndex: number): boolean | null {
  if (target.dtype !== 'int32') {
    throw new DTypeError(
      `${op}: expected int32 class indices (or probabilities shaped like the input ${formatShape(input.shape)}), ` +
        `got ${target.dtype} ${formatShape(target.shape)}`,
    );
  }
  const expected = [input.shape[0]!, ...input.shape.slice(2)];
  if (target.shape.join() !== expected.join()) {
    throw new ShapeError(
      `${op}: expected target of shape ${formatShape(expected)} for input ${formatShape(input.shape)}, got ${formatShape(target.shape)}`,
    );
  }
  // A target outside [0, C) is an error in PyTorch; checking it needs the values, so only where they can be read now.
  if (!target.backend.supportsSyncRead) return null;
  const classes = input.shape[1]!;
  // checkValues: a compiled step repeats this check on every call's targets.
  return checkValues(target, (values) => {
    let anyIgnored = false;
    for (const value of values) {
      if (value === ignoreIndex) anyIgnored = true;
      else if (value < 0 || value >= classes)
        throw new InvalidArgumentError(`${op}: target ${value} is out of bounds for ${classes} classes`);
    }
    return anyIgnored;
  });
}

function checkWeight(op: string, weight: Tensor | null, classes: number): void {
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== classes)) {
    throw new ShapeError(`${op}: weight ${formatShape(weight.shape)} should be a 1-D tensor of ${classes} class weights`);
  }
}

/** Shape [1, C, 1, …] of a per-class tensor, to broadcast against an input [N, C, d1, …]. */
const perClass = (tensor: Tensor, input: Tensor) => tensor.reshape(input.shape.map((extent, axis) => (axis === 1 ? extent : 1)));

/** For each position, whether class c is its target: bool [N, C, d1, …]. */
function targetMask(input: Tensor, target: Tensor): Tensor {
  return perClass(arange(input.shape[1]!, { dtype: 'int32', backend: input.backend.name }), input).eq(target.unsqueeze(1));
}

/** Each position's weight in the mean: its target's class weight (1 without weights), 0 where the target is ignored. */
function targetWeights(logProbabilities: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number): Tensor {
  const valid = target.ne(ignoreIndex);
  if (!weight) return cast(valid, logProbabilities.dtype);
  return where(targetMask(logProbabilities, target).logicalAnd(valid.unsqueeze(1)), perClass(weight, logProbabilities), 0).sum(1);
}

/** NLL on normalised shapes; returns the unreduced losses, or the reduced value (mean divides by the weight in play). */
function nll(logProbabilities: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction): Tensor {
  const mask = targetMask(logProbabilities, target).logicalAnd(target.ne(ignoreIndex).unsqueeze(1));
  // where() rather than a product with the mask: a log-probability of -inf elsewhere must not make 0 · -inf = NaN.
  const picked = where(mask, logProbabilities, 0).sum(1).neg();
  const weights = targetWeights(logProbabilities, target, weight, ignoreIndex);
  const losses = weight ? picked.mul(weights) : picked;
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? losses.sum() : losses.sum().div(weights.sum());
}

/**
 * torch.nn.functional.nll_loss: -weight[target] · input[target] for log-probabilities input [N, C, d1, …] (or [C])
 * and int32 targets [N, d1, …]; 'mean' divides by the summed weights of the targets not ignored.
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const { weight = null, ignoreIndex = -100, reduction = 'mean' } = options;
  checkReduction('nllLoss', reduction);
  const shaped = batched(input, target, false);
  checkClassTargets('nllLoss', shaped.input, shaped.target, ignoreIndex);
  checkWeight('nllLoss', weight, shaped.input.shape[1]!);
  const losses = nll(shaped.input, shaped.target, weight, ignoreIndex, reduction);
  return shaped.unbatched && reduction === 'none' ? losses.reshape([]) : losses;
}

// The common case in a backend's fused kernel: 2-D logits, no class weights, no smoothing. Ignored targets are
// swapped for class 0 before the kernel (so it never indexes out of range) and their losses masked out after.
// `anyIgnored` comes from checkClassTargets' read of the targets (null: unknown, so assume some are).
function fusedCrossEntropy(
  input: Tensor,
  target: Tensor,
  ignoreIndex: number,
  reduction: Reduction,
  anyIgnored: boolean | null,
): Tensor {
  if (anyIgnored === false) {
    const losses = softmaxCrossEntropy(input, target);
    return reduction === 'none' ? losses : reduction === 'sum' ? losses.sum() : losses.mean();
  }
  const valid = target.ne(ignoreIndex);
  const losses = where(valid, softmaxCrossEntropy(input, where(valid, target, 0)), 0);
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? losses.sum() : losses.sum().div(cast(valid, input.dtype).sum());
}

function smoothedClassLoss(logProbabilities: Tensor, target: Tensor, options: Required<CrossEntropyOptions>): Tensor {
  const { weight, ignoreIndex, reduction, labelSmoothing } = options;
  const classes = logProbabilities.shape[1]!;
  const valid = target.ne(ignoreIndex);
  const weighted = weight ? logProbabilities.mul(perClass(weight, logProbabilities)) : logProbabilities;
  let smooth = where(valid, weighted.sum(1).neg(), 0);
  if (reduction === 'sum') smooth = smooth.sum();
  else if (reduction === 'mean') {
    // Normalised as the NLL part is: by the summed weights of the targets not ignored.
    smooth = smooth.sum().div(targetWeights(logProbabilities, target, weight, ignoreIndex).sum());
  }
  const nllPart = nll(logProbabilities, target, weight, ignoreIndex, reduction);
  return nllPart.mul(1 - labelSmoothing).add(smooth.mul(labelSmoothing / classes));
}

function probabilityTargetLoss(
  logProbabilities: Tensor,
  target: Tensor,
  weight: Tensor | null,
  reduction: Reduction,
  labelSmoothing: number,
): Tensor {
  const classes = logProbabilities.shape[1]!;
  const smoothed = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / classes) : target;
  let products = logProbabilities.mul(smoothed);
  if (weight) products = products.mul(perClass(weight, logProbabilities));
  if (reduction === 'none') return products.sum(1).neg();
  if (reduction === 'sum') return products.sum().neg();
  // PyTorch averages over the positions (N · d1 · …), not over the class weights.
  return products
    .sum()
    .neg()
    .div(logProbabilities.size / classes);
}

/**
 * torch.nn.functional.cross_entropy of logits [N, C, d1, …] (or [C]) against int32 class indices [N, d1, …] or class
 * probabilities shaped like the logits, with PyTorch's weight, ignoreIndex, reduction and labelSmoothing. Computed
 * through log-softmax (max-shifted log-sum-exp), so large logits stay finite. Plain class-index losses over 2-D logits
 * use core's softmaxCrossEntropy (a backend's fused kernel when it has one).
 * @example
 * crossEntropy(logits, tensor([3, 7], { dtype: 'int32' }), { labelSmoothing: 0.1 })
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const { weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 } = options;
  checkReduction('crossEntropy', reduction);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new InvalidArgumentError(`crossEntropy: labelSmoothing must be between 0.0 and 1.0, got ${labelSmoothing}`);
  }
  const probabilities = isFloating(target.dtype) && target.shape.join() === input.shape.join();
  const shaped = batched(input, target, probabilities);
  checkWeight('crossEntropy', weight, shaped.input.shape[1]!);
  let losses: Tensor;
  if (probabilities) losses = probabilityTargetLoss(shaped.input.logSoftmax(1), shaped.target, weight, reduction, labelSmoothing);
  else {
    const anyIgnored = checkClassTargets('crossEntropy', shaped.input, shaped.target, ignoreIndex);
    if (shaped.input.ndim === 2 && !weight && labelSmoothing === 0)
      losses = fusedCrossEntropy(shaped.input, shaped.target, ignoreIndex, reduction, anyIgnored);
    else if (labelSmoothing > 0)
      losses = smoothedClassLoss(shaped.input.logSoftmax(1), shaped.target, { weight, ignoreIndex, reduction, labelSmoothing });
    else losses = nll(shaped.input.logSoftmax(1), shaped.target, weight, ignoreIndex, reduction);
  }
  return shaped.unbatched && reduction === 'none' ? losses.reshape([]) : losses;
}
