import { lrScheduler, type Optimizer } from '@lantern/optim';
import { UsageError } from './flag-values.js';
import type { TrainerOptions } from './options.js';
import type { SchedulerName } from './options-recipes.js';

/**
 * `--lr-scheduler`: one of torch.optim.lr_scheduler's schedulers (optim's `lrScheduler`), stepped where PyTorch
 * users step it: OneCycleLR after every batch, the others after every epoch, ReduceLROnPlateau with the epoch's
 * metric (the test loss with --eval, else the mean training loss).
 */
export class LearningRateSchedule {
  constructor(
    readonly name: SchedulerName,
    readonly scheduler: lrScheduler.Scheduler,
  ) {}

  /** The optimizer options the schedule sets, which a resumed run's flags must not overwrite. */
  get controls(): string[] {
    return this.name === 'onecycle' ? ['lr', 'momentum'] : ['lr'];
  }

  afterStep(): void {
    if (this.scheduler instanceof lrScheduler.OneCycleLR) this.scheduler.step();
  }

  afterEpoch(metric: number): void {
    if (this.scheduler instanceof lrScheduler.ReduceLROnPlateau) this.scheduler.step(metric);
    else if (this.scheduler instanceof lrScheduler.LRScheduler && !(this.scheduler instanceof lrScheduler.OneCycleLR))
      this.scheduler.step();
  }

  /**
   * A resumed OneCycleLR has the length it was made with (`--epochs` × steps per epoch then); training past it would
   * make torch's scheduler throw mid-run, so it is refused before the first step.
   */
  checkRemainingSteps(remainingSteps: number): void {
    if (!(this.scheduler instanceof lrScheduler.OneCycleLR)) return;
    const { totalSteps, lastEpoch } = this.scheduler;
    if (lastEpoch + remainingSteps > totalSteps)
      throw new UsageError(
        `--lr-scheduler onecycle: the checkpoint's schedule is ${totalSteps} steps long and ${lastEpoch} are done, ` +
          `but these flags train ${remainingSteps} more; resume with the checkpoint's --epochs and --batch-size, or start a new run`,
      );
  }
}

/** The schedule the flags ask for (defaults as torch's), or none. */
export function createSchedule(
  options: TrainerOptions,
  optimizer: Optimizer,
  stepsPerEpoch: number,
): LearningRateSchedule | undefined {
  const gamma = options.gamma ?? 0.1;
  switch (options.lrScheduler) {
    case undefined:
      return undefined;
    case 'step':
      return new LearningRateSchedule('step', new lrScheduler.StepLR(optimizer, { stepSize: options.stepSize!, gamma }));
    case 'multistep': {
      const milestones = options.milestones!.split(',').map(Number);
      return new LearningRateSchedule('multistep', new lrScheduler.MultiStepLR(optimizer, { milestones, gamma }));
    }
    case 'cosine': {
      const settings = { tMax: options.tMax ?? options.epochs, etaMin: options.etaMin ?? 0 };
      return new LearningRateSchedule('cosine', new lrScheduler.CosineAnnealingLR(optimizer, settings));
    }
    case 'onecycle': {
      const settings = {
        maxLr: options.maxLr ?? options.lr,
        totalSteps: options.epochs * stepsPerEpoch,
        pctStart: options.pctStart ?? 0.3,
      };
      return new LearningRateSchedule('onecycle', new lrScheduler.OneCycleLR(optimizer, settings));
    }
    case 'plateau': {
      const settings = { patience: options.patience ?? 10, factor: options.factor ?? 0.1 };
      return new LearningRateSchedule('plateau', new lrScheduler.ReduceLROnPlateau(optimizer, settings));
    }
  }
}
