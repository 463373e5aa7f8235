import { SchedulerError } from '../errors.js';
import type { Optimizer } from '../optimizer.js';
import type { LRScheduler, Scheduler, SchedulerStateDict } from './lr-scheduler.js';

export interface SequentialLROptions {
  /** Schedulers of the same optimizer, used one after another. */
  schedulers: readonly LRScheduler[];
  /** Epochs at which the next scheduler takes over: one fewer than there are schedulers. */
  milestones: readonly number[];
  lastEpoch?: number;
}

/**
 * Runs schedulers one after another, switching at the milestones, as torch.optim.lr_scheduler.SequentialLR of
 * torch 1.13. Construction undoes the initial step the schedulers took when they were built (every group's lr goes
 * back to its initialLr) and re-runs only the first one's. At a milestone the incoming scheduler is started with
 * `step(0)` (its closed form at epoch 0, so it begins from the base lrs); otherwise the current one steps normally.
 * @example
 * const warmup = new lrScheduler.LinearLR(optimizer, { startFactor: 0.1, totalIters: 5 });
 * const decay = new lrScheduler.CosineAnnealingLR(optimizer, { tMax: 95 });
 * const scheduler = new lrScheduler.SequentialLR(optimizer, { schedulers: [warmup, decay], milestones: [5] });
 */
export class SequentialLR implements Scheduler {
  schedulers: LRScheduler[];
  milestones: number[];
  lastEpoch: number;
  lastLr: number[];

  constructor(
    readonly optimizer: Optimizer,
    options: SequentialLROptions,
  ) {
    const { schedulers, milestones, lastEpoch = -1 } = options;
    schedulers.forEach((scheduler, index) => {
      if (scheduler.optimizer !== optimizer) {
        throw new SchedulerError(
          'SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but ' +
            `got schedulers at index ${index} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new SchedulerError(
        'SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the ' +
          `number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be ` +
          `equal to ${milestones.length}`,
      );
    }
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    for (const group of optimizer.paramGroups) group.lr = group.initialLr!;
    for (const scheduler of this.schedulers) scheduler.lastEpoch -= 1;
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  step(): void {
    this.lastEpoch += 1;
    const index = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[index]!;
    if (index > 0 && this.milestones[index - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Its own fields and each scheduler's state dict. */
  stateDict(): SchedulerStateDict {
    return {
      milestones: [...this.milestones],
      lastEpoch: this.lastEpoch,
      lastLr: [...this.lastLr],
      schedulers: this.schedulers.map((scheduler) => scheduler.stateDict()),
    };
  }

  loadStateDict(state: SchedulerStateDict): void {
    this.milestones = [...(state.milestones as number[])];
    this.lastEpoch = state.lastEpoch as number;
    this.lastLr = [...(state.lastLr as number[])];
    for (const [index, child] of (state.schedulers as SchedulerStateDict[]).entries()) {
      this.schedulers[index]!.loadStateDict(child);
    }
  }
}

/** The number of milestones ≤ epoch (Python's bisect_right on a sorted list). */
function bisectRight(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value < sorted[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}
