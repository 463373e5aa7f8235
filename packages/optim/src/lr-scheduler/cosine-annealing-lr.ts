import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

export interface CosineAnnealingLROptions extends LRSchedulerOptions {
  /** Half-period of the cosine, in epochs. */
  tMax: number;
  /** The lowest learning rate (default 0). */
  etaMin?: number;
}

/**
 * Anneals each group's lr along a cosine from its base lr down to etaMin over tMax epochs, then back up (SGDR
 * without restarts). Alone it gives lr = etaMin + (baseLr − etaMin)·(1 + cos(π·epoch/tMax))/2. torch 1.13 computes
 * it recursively from the current lr, which this follows exactly:
 *
 *     epoch 0:                                  lr unchanged
 *     first step at epoch > 0 (resuming):       the closed form above
 *     (epoch − 1 − tMax) mod 2·tMax = 0:        lr ← lr + (baseLr − etaMin)·(1 − cos(π/tMax))/2
 *     otherwise:                                lr ← etaMin + (lr − etaMin)·(1 + cos(π·epoch/tMax))/(1 + cos(π·(epoch − 1)/tMax))
 * @example
 * const scheduler = new lrScheduler.CosineAnnealingLR(optimizer, { tMax: 100, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super(optimizer, options.lastEpoch);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: epoch, tMax, etaMin } = this;
    if (epoch === 0) return this.groups.map((group) => group.lr);
    if (this.stepCount === 1 && epoch > 0) return this.closedFormLr();
    if ((epoch - 1 - tMax) % (2 * tMax) === 0) {
      return this.groups.map((group, index) => group.lr + ((this.baseLrs[index]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return this.groups.map(
      (group) =>
        ((1 + Math.cos((Math.PI * epoch) / tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / tMax))) * (group.lr - etaMin) +
        etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map(
      (baseLr) => this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2,
    );
  }
}
