import type { Tensor } from '@lantern/tensor';
import { InvalidArgumentError } from '@lantern/tensor';

/** How per-element losses become the result, as PyTorch's `reduction` argument. */
export type Reduction = 'none' | 'mean' | 'sum';

export function checkReduction(op: string, reduction: string, allowed: readonly string[] = ['none', 'mean', 'sum']): void {
  if (!allowed.includes(reduction)) {
    throw new InvalidArgumentError(
      `${op}: reduction '${reduction}' is not valid, expected one of ${allowed.map((name) => `'${name}'`).join(', ')}`,
    );
  }
}

/** 'mean' averages over every element, 'sum' adds them, 'none' returns them as they are. */
export function reduce(op: string, losses: Tensor, reduction: Reduction): Tensor {
  checkReduction(op, reduction);
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? losses.sum() : losses.mean();
}
