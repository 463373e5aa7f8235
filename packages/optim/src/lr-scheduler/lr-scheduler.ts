import { SchedulerError } from '../errors.js';
import type { Optimizer, ParamGroup } from '../optimizer.js';

/** A scheduler's state: plain JSON values only, so `JSON.stringify(scheduler.stateDict())` saves it. */
export type SchedulerStateDict = Record<string, unknown>;

/** Every scheduler steps, reports its last learning rates, and saves and restores its state. */
export interface Scheduler {
  getLastLr(): number[];
  stateDict(): SchedulerStateDict;
  loadStateDict(state: SchedulerStateDict): void;
}

export interface LRSchedulerOptions {
  /** Index of the last epoch, to resume a schedule (groups must then hold `initialLr`); default -1, a fresh start. */
  lastEpoch?: number;
}

/**
 * The base of the epoch-indexed schedulers, as torch.optim.lr_scheduler._LRScheduler (torch 1.13). `step()` advances
 * `lastEpoch` and sets each group's lr from `getLr()`, the chainable (recursive) form that reads the lr currently in
 * the group, so several schedulers can act on one optimizer. `step(epoch)` jumps to an epoch and uses the closed form
 * where the scheduler has one (SequentialLR relies on it at its milestones).
 *
 * Subclasses set their own fields and then call `initialStep()` at the end of their constructor: JavaScript creates
 * subclass fields only after `super()` returns, so the base cannot take the initial step itself as torch's does.
 */
export abstract class LRScheduler implements Scheduler {
  baseLrs: number[];
  lastEpoch: number;
  /** torch's `_step_count`: steps taken, the initial one included (CosineAnnealingLR reads it). */
  stepCount = 0;
  lastLr: number[] = [];

  protected constructor(
    readonly optimizer: Optimizer,
    lastEpoch = -1,
  ) {
    const groups = optimizer.paramGroups;
    if (lastEpoch === -1) {
      for (const group of groups) group.initialLr ??= group.lr;
    } else {
      groups.forEach((group, index) => {
        if (group.initialLr === undefined) {
          throw new SchedulerError(`param 'initialLr' is not specified in paramGroups[${index}] when resuming an optimizer`);
        }
      });
    }
    this.baseLrs = groups.map((group) => group.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The learning rates of the next epoch, computed from those in the groups now (torch's get_lr). */
  protected abstract getLr(): number[];

  /** The learning rates at `lastEpoch` from the base rates alone, for schedulers that have such a form. */
  protected closedFormLr?(): number[];

  /** @internal Resets the step count and takes the first step (torch's _initial_step); SequentialLR calls it too. */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch; `epoch` (deprecated in torch, kept for SequentialLR) jumps to that epoch instead. */
  step(epoch?: number): void {
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    for (const [index, group] of this.groups.entries()) group.lr = values[index]!;
    this.lastLr = this.groups.map((group) => group.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Every field but the optimizer (torch saves `__dict__` the same way), as JSON values. */
  stateDict(): SchedulerStateDict {
    const state: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'optimizer' && typeof value !== 'function' && !this.unsavedFields().includes(key))
        state[key] = structuredClone(value);
    }
    return state;
  }

  /** Restores fields saved by `stateDict()`; restore the optimizer's state too, whose groups hold the current lr. */
  loadStateDict(state: SchedulerStateDict): void {
    for (const [key, value] of Object.entries(state)) {
      if (key in this && key !== 'optimizer' && !this.unsavedFields().includes(key))
        (this as Record<string, unknown>)[key] = structuredClone(value);
    }
  }

  /** Fields that are not plain data (functions, other schedulers) and so stay out of the state dict. */
  protected unsavedFields(): readonly string[] {
    return [];
  }

  protected get groups(): ParamGroup[] {
    return this.optimizer.paramGroups;
  }
}

/**
 * The values of a per-group option given once for all groups or as a list with one value per group; `owner` (the
 * scheduler's name) starts the error message.
 */
export function perGroup<T>(
  owner: string,
  name: string,
  optimizer: Optimizer,
  value: T | readonly T[],
  message = (expected: number, got: number) => `expected ${expected} values for ${name}, got ${got}`,
): T[] {
  const count = optimizer.paramGroups.length;
  if (!Array.isArray(value)) return new Array<T>(count).fill(value as T);
  if (value.length !== count) throw new SchedulerError(`${owner}: ${message(count, value.length)}`);
  return [...(value as readonly T[])];
}
