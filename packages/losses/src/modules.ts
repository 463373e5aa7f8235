import { Module } from '@lantern/nn';
import type { Tensor } from '@lantern/tensor';
import {
  type BinaryCrossEntropyOptions,
  type BinaryCrossEntropyWithLogitsOptions,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
} from './binary.js';
import { type CrossEntropyOptions, crossEntropy, type NllLossOptions, nllLoss } from './cross-entropy.js';
import { type KlDivOptions, klDiv } from './kl-div.js';
import { checkReduction, type Reduction } from './reduction.js';
import {
  type HuberOptions,
  huberLoss,
  l1Loss,
  mseLoss,
  type ReductionOptions,
  type SmoothL1Options,
  smoothL1Loss,
} from './regression.js';

/**
 * A loss as a module, as torch.nn's losses: `criterion(input, target)`. Class weights are buffers (PyTorch's
 * `weight` and `pos_weight` state-dict keys), so they follow `to(backend)` and appear in a state dict.
 */
export abstract class Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;

  constructor(reduction: Reduction = 'mean') {
    super();
    checkReduction(this.constructor.name, reduction);
    this.reduction = reduction;
  }
}

/**
 * @example
 * const criterion = new CrossEntropyLoss({ labelSmoothing: 0.1 });
 * criterion(logits, targets).backward();
 */
export class CrossEntropyLoss extends Loss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: CrossEntropyOptions = {}) {
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  get weight(): Tensor | null {
    return this.buffer('weight');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    const { weight, ignoreIndex, reduction, labelSmoothing } = this;
    return crossEntropy(input, target, { weight, ignoreIndex, reduction, labelSmoothing });
  }
}

export class NLLLoss extends Loss {
  readonly ignoreIndex: number;

  constructor(options: NllLossOptions = {}) {
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  get weight(): Tensor | null {
    return this.buffer('weight');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

export class MSELoss extends Loss {
  constructor(options: ReductionOptions = {}) {
    super(options.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

export class L1Loss extends Loss {
  constructor(options: ReductionOptions = {}) {
    super(options.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options: SmoothL1Options = {}) {
    super(options.reduction);
    this.beta = options.beta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options: HuberOptions = {}) {
    super(options.reduction);
    this.delta = options.delta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

export class BCELoss extends Loss {
  constructor(options: BinaryCrossEntropyOptions = {}) {
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
  }

  get weight(): Tensor | null {
    return this.buffer('weight');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends Loss {
  constructor(options: BinaryCrossEntropyWithLogitsOptions = {}) {
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }

  get weight(): Tensor | null {
    return this.buffer('weight');
  }
  get posWeight(): Tensor | null {
    return this.buffer('pos_weight');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.posWeight,
      reduction: this.reduction,
    });
  }
}

/** KL divergence; its reduction also allows 'batchmean', so it does not extend Loss's reduction check. */
export class KLDivLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: NonNullable<KlDivOptions['reduction']>;
  readonly logTarget: boolean;

  constructor(options: KlDivOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    checkReduction('KLDivLoss', this.reduction, ['none', 'mean', 'sum', 'batchmean']);
    this.logTarget = options.logTarget ?? false;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
