import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type LRSchedulerOptions, perGroup } from './lr-scheduler.js';

export type LrLambda = (epoch: number) => number;

export interface LambdaLROptions extends LRSchedulerOptions {
  /** The factor for an epoch: one function for every group, or one per group. */
  lrLambda: LrLambda | readonly LrLambda[];
}

/**
 * Sets each group's lr to its base lr times a function of the epoch: lr = baseLr·lrLambda(epoch). The functions
 * are not part of the state dict (torch saves none for plain functions either): pass the same ones when restoring.
 * @example
 * const scheduler = new lrScheduler.LambdaLR(optimizer, { lrLambda: (epoch) => 0.95 ** epoch });
 */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, options: LambdaLROptions) {
    super(optimizer, options.lastEpoch);
    this.lrLambdas = perGroup(
      'LambdaLR',
      'lrLambda',
      optimizer,
      options.lrLambda,
      (expected, got) => `Expected ${expected} lr_lambdas, but got ${got}`,
    );
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((baseLr, index) => baseLr * this.lrLambdas[index]!(this.lastEpoch));
  }

  protected override unsavedFields(): readonly string[] {
    return ['lrLambdas'];
  }
}
