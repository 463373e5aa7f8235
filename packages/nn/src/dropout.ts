import { type Generator, InvalidArgumentError, observeOp, observingOps, rand, type Tensor } from '@lantern/tensor';
import { formatFloat } from './layer-options.js';
import { Module } from './module.js';

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

/**
 * torch.nn.functional.dropout: in training, zeroes each element with probability p and scales the rest by 1/(1-p)
 * (so the expectation is unchanged); otherwise returns the input. The mask comes from `generator` (the default one
 * unless given); PyTorch's masks come from a different sampler, so they match in distribution, not element by element.
 */
export function dropout(input: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  if (observingOps) return observeOp('dropout', dropout, [input, p, training, generator]);
  checkProbability(p);
  if (!training || p === 0) return input;
  if (p === 1) return input.mul(0);
  const keep = rand(input.shape, { dtype: input.dtype, backend: input.backend.name, generator }).lt(1 - p);
  return input.mul(keep.cast(input.dtype).div(1 - p));
}

/** Dropout as a layer: active in train(), the identity in eval(). */
export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    readonly generator?: Generator,
  ) {
    super();
    checkProbability(p);
  }

  forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training, this.generator);
  }

  protected override extraRepr(): string {
    return `p=${formatFloat(this.p)}, inplace=False`;
  }
}
