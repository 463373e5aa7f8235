import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

export interface StepLROptions extends LRSchedulerOptions {
  /** Period of the decay, in epochs. */
  stepSize: number;
  /** Multiplicative factor of the decay (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies each group's lr by gamma every stepSize epochs: lr = baseLr·gamma^⌊epoch/stepSize⌋ when it acts alone.
 * Chainable form (torch 1.13): lr ← lr·gamma when epoch > 0 and epoch % stepSize = 0, else unchanged.
 * @example
 * const scheduler = new lrScheduler.StepLR(optimizer, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); scheduler.step(); }
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    super(optimizer, options.lastEpoch);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((group) => group.lr);
    return this.groups.map((group) => group.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((baseLr) => baseLr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

export interface MultiStepLROptions extends LRSchedulerOptions {
  /** Epochs at which to decay; a milestone listed k times decays by gamma^k. */
  milestones: readonly number[];
  gamma?: number;
}

/**
 * Multiplies each group's lr by gamma at each milestone: lr = baseLr·gamma^(milestones ≤ epoch) when it acts alone.
 * Chainable form (torch 1.13): lr ← lr·gamma^count when the epoch is a milestone (count: times it is listed).
 * @example
 * const scheduler = new lrScheduler.MultiStepLR(optimizer, { milestones: [30, 80], gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  /** How many times each milestone epoch is listed (torch's Counter), keyed by epoch. */
  milestones: Record<string, number> = {};
  gamma: number;

  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    super(optimizer, options.lastEpoch);
    for (const milestone of options.milestones) this.milestones[milestone] = (this.milestones[milestone] ?? 0) + 1;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const count = this.milestones[this.lastEpoch];
    if (count === undefined) return this.groups.map((group) => group.lr);
    return this.groups.map((group) => group.lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    let passed = 0;
    for (const [milestone, count] of Object.entries(this.milestones)) if (Number(milestone) <= this.lastEpoch) passed += count;
    return this.baseLrs.map((baseLr) => baseLr * this.gamma ** passed);
  }
}

export interface ExponentialLROptions extends LRSchedulerOptions {
  /** Multiplicative factor of the decay per epoch. */
  gamma: number;
}

/**
 * Multiplies each group's lr by gamma every epoch: lr = baseLr·gamma^epoch when it acts alone.
 * Chainable form (torch 1.13): lr ← lr·gamma for epoch > 0.
 * @example
 * const scheduler = new lrScheduler.ExponentialLR(optimizer, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    super(optimizer, options.lastEpoch);
    this.gamma = options.gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((group) => group.lr);
    return this.groups.map((group) => group.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((baseLr) => baseLr * this.gamma ** this.lastEpoch);
  }
}
