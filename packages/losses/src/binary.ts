import { broadcastShapes, formatShape, InvalidArgumentError, noGrad, record, ShapeError, type Tensor } from '@lantern/tensor';
import { type Reduction, reduce } from './reduction.js';

export interface BinaryCrossEntropyOptions {
  /** Rescales each element's loss; broadcast to the input's shape. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

function checkBroadcastsTo(op: string, name: string, tensor: Tensor | null, shape: readonly number[]): void {
  if (tensor && broadcastShapes(op, tensor.shape, shape).join() !== shape.join()) {
    throw new ShapeError(
      `${op}: ${name} ${formatShape(tensor.shape)} does not broadcast to the input's shape ${formatShape(shape)}`,
    );
  }
}

function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join()) {
    throw new ShapeError(
      `${op}: target size ${formatShape(target.shape)} must be the same as input size ${formatShape(input.shape)}`,
    );
  }
}

/**
 * torch.nn.functional.binary_cross_entropy of probabilities in [0, 1]: -w·(y·log x + (1 - y)·log(1 - x)), each log
 * clamped at -100 as PyTorch does. Its gradient is PyTorch's, w·(x - y) / max(x·(1 - x), 1e-12), written out rather than
 * derived, so that a saturated x of exactly 0 or 1 gives a large finite gradient instead of 0 · ∞ = NaN.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const weight = options.weight ?? null;
  checkSameShape('binaryCrossEntropy', input, target);
  checkBroadcastsTo('binaryCrossEntropy', 'weight', weight, input.shape);
  if (input.backend.supportsSyncRead && input.size > 0 && (input.amin().item() < 0 || input.amax().item() > 1)) {
    throw new InvalidArgumentError('binaryCrossEntropy: all elements of input should be between 0 and 1');
  }
  const losses = noGrad(() => {
    // log(1 - x) as PyTorch 1.13's CPU kernel computes it (so a tiny x loses to rounding, as there).
    const logInput = input.log().clamp(-100),
      logComplement = input.neg().add(1).log().clamp(-100);
    const unweighted = target.sub(1).mul(logComplement).sub(target.mul(logInput));
    return weight ? unweighted.mul(weight) : unweighted;
  });
  record('binaryCrossEntropy', losses, [input], (g) => {
    const grad = g.mul(input.sub(target)).div(input.neg().add(1).mul(input).maximum(1e-12));
    return [weight ? grad.mul(weight) : grad];
  });
  return reduce('binaryCrossEntropy', losses, options.reduction ?? 'mean');
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive class per class (broadcast along the last dim), e.g. negatives / positives. */
  posWeight?: Tensor | null;
}

/**
 * torch.nn.functional.binary_cross_entropy_with_logits: BCE of sigmoid(x) computed from the logits stably,
 * (1 - y)·x + (1 + (p - 1)·y)·log(1 + e^-x), with log(1 + e^-x) = m + log(e^-m + e^(-x-m)) and m = max(-x, 0).
 * @example
 * binaryCrossEntropyWithLogits(logits, labels, { posWeight: tensor([3]) })
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyWithLogitsOptions = {},
): Tensor {
  const weight = options.weight ?? null,
    posWeight = options.posWeight ?? null;
  checkSameShape('binaryCrossEntropyWithLogits', input, target);
  checkBroadcastsTo('binaryCrossEntropyWithLogits', 'weight', weight, input.shape);
  checkBroadcastsTo('binaryCrossEntropyWithLogits', 'posWeight', posWeight, input.shape);
  const shift = input.neg().clamp(0);
  const softplusOfNegative = shift.add(shift.neg().exp().add(input.neg().sub(shift).exp()).log());
  const logWeight = posWeight ? posWeight.sub(1).mul(target).add(1) : null;
  let losses = target
    .neg()
    .add(1)
    .mul(input)
    .add(logWeight ? logWeight.mul(softplusOfNegative) : softplusOfNegative);
  if (weight) losses = losses.mul(weight);
  return reduce('binaryCrossEntropyWithLogits', losses, options.reduction ?? 'mean');
}
