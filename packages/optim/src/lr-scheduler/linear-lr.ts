import { SchedulerError } from '../errors.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

export interface LinearLROptions extends LRSchedulerOptions {
  /** Factor applied to the base lr at epoch 0 (default 1/3), in [0, 1]. */
  startFactor?: number;
  /** Factor reached at epoch totalIters and kept afterwards (default 1), in [0, 1]. */
  endFactor?: number;
  /** Epochs over which the factor changes (default 5). */
  totalIters?: number;
}

/**
 * Scales each group's lr by a factor moving linearly from startFactor to endFactor over totalIters epochs (a warmup
 * when startFactor < endFactor). Alone: lr = baseLr·(start + (end − start)·min(epoch, totalIters)/totalIters).
 * Chainable form (torch 1.13): at epoch 0 lr ← lr·start; for 0 < epoch ≤ totalIters
 * lr ← lr·(1 + (end − start)/(totalIters·start + (epoch − 1)·(end − start))); later lr is unchanged.
 * @example
 * const warmup = new lrScheduler.LinearLR(optimizer, { startFactor: 0.1, totalIters: 5 });
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    super(optimizer, options.lastEpoch);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options;
    if (startFactor > 1 || startFactor < 0)
      throw new SchedulerError('LinearLR: Starting multiplicative factor expected to be between 0 and 1.');
    if (endFactor > 1 || endFactor < 0)
      throw new SchedulerError('LinearLR: Ending multiplicative factor expected to be between 0 and 1.');
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: epoch, startFactor, endFactor, totalIters } = this;
    if (epoch === 0) return this.groups.map((group) => group.lr * startFactor);
    if (epoch > totalIters) return this.groups.map((group) => group.lr);
    const factor = 1 + (endFactor - startFactor) / (totalIters * startFactor + (epoch - 1) * (endFactor - startFactor));
    return this.groups.map((group) => group.lr * factor);
  }

  protected override closedFormLr(): number[] {
    const progress = Math.min(this.totalIters, this.lastEpoch) / this.totalIters;
    return this.baseLrs.map((baseLr) => baseLr * (this.startFactor + (this.endFactor - this.startFactor) * progress));
  }
}
