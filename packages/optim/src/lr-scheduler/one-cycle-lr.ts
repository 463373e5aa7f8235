import { SchedulerError } from '../errors.js';
import type { Optimizer, ParamGroup, SchedulerGroupFields } from '../optimizer.js';
import { LRScheduler, type LRSchedulerOptions, perGroup } from './lr-scheduler.js';

export interface OneCycleLROptions extends LRSchedulerOptions {
  /** Peak learning rate, for every group or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the lr (default 0.3). */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD, RMSprop) or β1 (Adam, AdamW) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  /** initialLr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** A third phase annihilates the lr, making the first two symmetric (default false: fastai's two phases). */
  threePhase?: boolean;
}

type LrField = keyof Pick<SchedulerGroupFields, 'initialLr' | 'maxLr' | 'minLr'>;
type MomentumField = keyof Pick<SchedulerGroupFields, 'maxMomentum' | 'baseMomentum'>;

/** One phase of the one-cycle schedule: where it ends and which group fields the learning rate and momentum move between. */
export interface Phase {
  endStep: number;
  startLr: LrField;
  endLr: LrField;
  startMomentum: MomentumField;
  endMomentum: MomentumField;
}

/** The momentum-like options OneCycleLR cycles. */
type MomentumGroup = ParamGroup & { momentum?: number; betas?: readonly [number, number] };

/**
 * The 1cycle policy (Smith & Topin), torch.optim.lr_scheduler.OneCycleLR of torch 1.13: the lr rises from
 * maxLr/divFactor to maxLr over pctStart of totalSteps, then anneals to initialLr/finalDivFactor; momentum (or Adam's
 * β1) moves the opposite way between maxMomentum and baseMomentum. Within a phase running from step a to b,
 * value = anneal(start, end, (step − a)/(b − a)) with cos: end + (start − end)·(1 + cos(π·pct))/2, linear:
 * start + (end − start)·pct. Phase ends are pctStart·totalSteps − 1 and totalSteps − 1 (three-phase:
 * pctStart·totalSteps − 1, 2·pctStart·totalSteps − 2, totalSteps − 1). Call step() after every batch; stepping
 * beyond totalSteps throws.
 * @example
 * const scheduler = new lrScheduler.OneCycleLR(optimizer, { maxLr: 0.1, totalSteps: epochs * batchesPerEpoch });
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  schedulePhases: Phase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1 = false;

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    const totalSteps = validatedTotalSteps(options);
    const { pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true, divFactor = 25, finalDivFactor = 1e4 } = options;
    const lastEpoch = options.lastEpoch ?? -1;
    if (pctStart < 0 || pctStart > 1 || !Number.isFinite(pctStart)) {
      throw new SchedulerError(`OneCycleLR: Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    }
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new SchedulerError(`OneCycleLR: anneal_strategy must by one of 'cos' or 'linear', instead got ${annealStrategy}`);
    }
    const maxLrs = perGroup('OneCycleLR', 'max_lr', optimizer, options.maxLr);
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((group, index) => {
        group.initialLr = maxLrs[index]! / divFactor;
        group.maxLr = maxLrs[index]!;
        group.minLr = group.initialLr / finalDivFactor;
      });
    }
    const useBeta1 = cycleMomentum && setUpMomentum(optimizer, options, lastEpoch);
    super(optimizer, lastEpoch);
    this.totalSteps = totalSteps;
    this.schedulePhases = phases(totalSteps, pctStart, options.threePhase ?? false);
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNumber = this.lastEpoch;
    if (stepNumber > this.totalSteps) {
      throw new SchedulerError(
        `OneCycleLR: Tried to step ${stepNumber + 1} times. The specified number of total steps is ${this.totalSteps}`,
      );
    }
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    return this.groups.map((group: MomentumGroup) => {
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      for (const [index, phase] of this.schedulePhases.entries()) {
        if (stepNumber <= phase.endStep || index === this.schedulePhases.length - 1) {
          const pct = (stepNumber - startStep) / (phase.endStep - startStep);
          lr = anneal(group[phase.startLr]!, group[phase.endLr]!, pct);
          if (this.cycleMomentum) momentum = anneal(group[phase.startMomentum]!, group[phase.endMomentum]!, pct);
          break;
        }
        startStep = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) group.betas = [momentum, group.betas![1]];
        else group.momentum = momentum;
      }
      return lr;
    });
  }
}

function validatedTotalSteps(options: OneCycleLROptions): number {
  const { totalSteps, epochs, stepsPerEpoch } = options;
  if (totalSteps === undefined && epochs === undefined && stepsPerEpoch === undefined) {
    throw new SchedulerError('OneCycleLR: You must define either total_steps OR (epochs AND steps_per_epoch)');
  }
  if (totalSteps !== undefined) {
    if (!(totalSteps > 0) || !Number.isInteger(totalSteps)) {
      throw new SchedulerError(`OneCycleLR: Expected positive integer total_steps, but got ${totalSteps}`);
    }
    return totalSteps;
  }
  if (epochs === undefined || !(epochs > 0) || !Number.isInteger(epochs)) {
    throw new SchedulerError(`OneCycleLR: Expected positive integer epochs, but got ${epochs}`);
  }
  if (stepsPerEpoch === undefined || !(stepsPerEpoch > 0) || !Number.isInteger(stepsPerEpoch)) {
    throw new SchedulerError(`OneCycleLR: Expected positive integer steps_per_epoch, but got ${stepsPerEpoch}`);
  }
  return epochs * stepsPerEpoch;
}

/** Writes the momentum bounds into the groups; true when the optimizer's momentum is Adam's β1. */
function setUpMomentum(optimizer: Optimizer, options: OneCycleLROptions, lastEpoch: number): boolean {
  const defaults = optimizer.defaults as object;
  if (!('momentum' in defaults) && !('betas' in defaults)) {
    throw new SchedulerError('OneCycleLR: optimizer must support momentum with `cycle_momentum` option enabled');
  }
  const useBeta1 = 'betas' in defaults;
  const maxMomenta = perGroup('OneCycleLR', 'max_momentum', optimizer, options.maxMomentum ?? 0.95);
  const baseMomenta = perGroup('OneCycleLR', 'base_momentum', optimizer, options.baseMomentum ?? 0.85);
  if (lastEpoch === -1) {
    optimizer.paramGroups.forEach((group: MomentumGroup, index) => {
      if (useBeta1) group.betas = [maxMomenta[index]!, group.betas![1]];
      else group.momentum = maxMomenta[index]!;
      group.maxMomentum = maxMomenta[index]!;
      group.baseMomentum = baseMomenta[index]!;
    });
  }
  return useBeta1;
}

function phases(totalSteps: number, pctStart: number, threePhase: boolean): Phase[] {
  const warmupEnd = pctStart * totalSteps - 1;
  if (threePhase) {
    return [
      { endStep: warmupEnd, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
      {
        endStep: 2 * pctStart * totalSteps - 2,
        startLr: 'maxLr',
        endLr: 'initialLr',
        startMomentum: 'baseMomentum',
        endMomentum: 'maxMomentum',
      },
      { endStep: totalSteps - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
    ];
  }
  return [
    { endStep: warmupEnd, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
    { endStep: totalSteps - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
  ];
}

function annealCos(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}
