import { Tensor } from '@lantern/tensor';
import { SchedulerError } from '../errors.js';
import type { Optimizer } from '../optimizer.js';
import { perGroup, type Scheduler, type SchedulerStateDict } from './lr-scheduler.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops decreasing (default); 'max': when it stops increasing. */
  mode?: 'min' | 'max';
  /** new lr = lr·factor (default 0.1), below 1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel': relative to the best value (default); 'abs': absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr, for every group or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than eps are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces each group's lr by `factor` once the metric passed to step() has not improved for more than `patience`
 * epochs, as torch.optim.lr_scheduler.ReduceLROnPlateau (torch 1.13). Improvement in 'min'/'rel' mode means
 * metric < best·(1 − threshold) ('abs': best − threshold; 'max' mirrors). A reduction sets lr = max(lr·factor, minLr)
 * if that lowers it by more than eps, then waits `cooldown` epochs, ignoring bad epochs meanwhile.
 * @example
 * const scheduler = new lrScheduler.ReduceLROnPlateau(optimizer, { patience: 3 });
 * for (let epoch = 0; epoch < 50; epoch++) { train(); scheduler.step(validationLoss()); }
 */
export class ReduceLROnPlateau implements Scheduler {
  factor: number;
  minLrs: number[];
  patience: number;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  best: number;
  numBadEpochs = 0;
  eps: number;
  lastEpoch = 0;
  lastLr: number[];

  constructor(
    readonly optimizer: Optimizer,
    options: ReduceLROnPlateauOptions = {},
  ) {
    const {
      mode = 'min',
      factor = 0.1,
      patience = 10,
      threshold = 1e-4,
      thresholdMode = 'rel',
      cooldown = 0,
      minLr = 0,
      eps = 1e-8,
    } = options;
    if (factor >= 1) throw new SchedulerError('ReduceLROnPlateau: Factor should be < 1.0.');
    this.factor = factor;
    this.minLrs = perGroup(
      'ReduceLROnPlateau',
      'min_lr',
      optimizer,
      minLr,
      (expected, got) => `expected ${expected} min_lrs, got ${got}`,
    );
    this.patience = patience;
    this.cooldown = cooldown;
    if (mode !== 'min' && mode !== 'max') throw new SchedulerError(`ReduceLROnPlateau: mode ${mode} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
      throw new SchedulerError(`ReduceLROnPlateau: threshold mode ${thresholdMode} is unknown!`);
    }
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.eps = eps;
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((group) => group.lr);
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces the lr if it has plateaued. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : Number(metric);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during the cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((group) => group.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  isBetter(value: number, best: number): boolean {
    if (this.mode === 'min')
      return this.thresholdMode === 'rel' ? value < best * (1 - this.threshold) : value < best - this.threshold;
    return this.thresholdMode === 'rel' ? value > best * (this.threshold + 1) : value > best + this.threshold;
  }

  /** Every field but the optimizer; `best` is written as a string while infinite, so the dict stays JSON. */
  stateDict(): SchedulerStateDict {
    const { optimizer: _optimizer, ...fields } = this;
    return { ...structuredClone(fields), best: Number.isFinite(this.best) ? this.best : String(this.best) };
  }

  loadStateDict(state: SchedulerStateDict): void {
    for (const [key, value] of Object.entries(state)) {
      if (key in this && key !== 'optimizer') (this as unknown as Record<string, unknown>)[key] = structuredClone(value);
    }
    this.best = Number(state.best ?? this.modeWorse);
  }

  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, index) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[index]!);
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }
}
