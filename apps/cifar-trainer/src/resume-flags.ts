import type { RecordedFlags, TrainingState } from './checkpoint-state.js';
import { CheckpointError } from './errors.js';
import { flagName } from './flag-values.js';
import { checkOptionCombinations, type TrainerOptions } from './options.js';

const schedulerState = "its learning-rate scheduler's state belongs to that schedule";

// What a resumed run cannot change, and why: the checkpoint's state would not mean what it meant.
const fixed: Partial<Record<keyof RecordedFlags, string>> = {
  optimizer: "its optimizer state is that optimizer's",
  split: 'it was trained on other data, where its position means nothing',
  limit: 'it was trained on other data, where its position means nothing',
  seed: 'its random streams continue from the checkpoint, not from a new seed',
  model: "its weights are that model's",
  lrScheduler: schedulerState,
  stepSize: schedulerState,
  gamma: schedulerState,
  milestones: schedulerState,
  tMax: schedulerState,
  etaMin: schedulerState,
  maxLr: schedulerState,
  pctStart: schedulerState,
  patience: schedulerState,
  factor: schedulerState,
};

/** Flags that a scheduler in the checkpoint has taken over: its schedule sets them. */
function scheduledReason(key: keyof RecordedFlags, recorded: RecordedFlags): string | undefined {
  if (key === 'lr' && recorded.lrScheduler !== null)
    return `--lr-scheduler ${recorded.lrScheduler} sets the learning rate from the checkpoint's schedule`;
  if (key === 'momentum' && recorded.lrScheduler === 'onecycle')
    return "--lr-scheduler onecycle sets the momentum from the checkpoint's schedule";
  return undefined;
}

/**
 * The flags a checkpoint records: the ones that decide what training does. Scheduler parameters are recorded as the
 * run resolves them (cosine's --t-max defaults to --epochs, onecycle's --max-lr to --lr), and only for the scheduler
 * that uses them.
 */
export function recordFlags(options: TrainerOptions): RecordedFlags {
  const { optimizer, lr, momentum, weightDecay, nesterov, batchSize, shuffle, split } = options;
  const scheduler = options.lrScheduler;
  const when = <Value>(uses: boolean, value: Value | undefined) => (uses ? (value ?? null) : null);
  return {
    optimizer,
    lr,
    momentum,
    weightDecay,
    nesterov,
    batchSize,
    shuffle,
    seed: options.seed ?? null,
    split,
    limit: options.limit ?? null,
    model: options.model,
    augment: options.augment,
    normalize: options.normalize,
    labelSmoothing: options.labelSmoothing,
    clipGradNorm: options.clipGradNorm ?? null,
    lrScheduler: scheduler ?? null,
    stepSize: when(scheduler === 'step', options.stepSize),
    gamma: when(scheduler === 'step' || scheduler === 'multistep', options.gamma ?? 0.1),
    milestones: when(scheduler === 'multistep', options.milestones),
    tMax: when(scheduler === 'cosine', options.tMax ?? options.epochs),
    etaMin: when(scheduler === 'cosine', options.etaMin ?? 0),
    maxLr: when(scheduler === 'onecycle', options.maxLr ?? options.lr),
    pctStart: when(scheduler === 'onecycle', options.pctStart ?? 0.3),
    patience: when(scheduler === 'plateau', options.patience ?? 10),
    factor: when(scheduler === 'plateau', options.factor ?? 0.1),
  };
}

function show(key: keyof RecordedFlags, value: RecordedFlags[keyof RecordedFlags]): string {
  const flag = flagName(key);
  if (key === 'shuffle') return value ? '--shuffle' : '--no-shuffle';
  if (typeof value === 'boolean') return value ? flag : `no ${flag}`;
  return value === null ? `no ${flag}` : `${flag} ${value}`;
}

/**
 * The options a resumed run trains with, and one line for each flag that differs from the checkpoint; nothing is
 * changed silently. A flag left at its default takes the checkpoint's value. A flag given on the command line wins
 * for the learning rate, momentum, weight decay, Nesterov, augmentation, normalisation, label smoothing and gradient
 * clipping, and for the batch size and shuffling when the checkpoint is at an epoch's end; it is refused
 * (CheckpointError, reason 'flags') for the optimizer, split, limit, seed, model, the scheduler and its parameters,
 * the learning rate under a scheduler (and the momentum under OneCycleLR, which sets them), and for the batch size and
 * shuffling in the middle of an epoch, whose remaining batches are fixed.
 */
export function reconcileFlags(
  options: TrainerOptions,
  state: TrainingState,
  path: string,
): { options: TrainerOptions; notices: string[] } {
  const recorded = state.flags;
  const wanted = recordFlags(options);
  // Library callers pass complete options without saying which were given: all of them count as given.
  const given = new Set<string>(options.givenFlags ?? Object.keys(recorded));
  const effective: TrainerOptions = { ...options };
  const notices: string[] = [];
  const midEpoch = state.stepsIntoEpoch > 0;
  for (const key of Object.keys(wanted) as Array<keyof RecordedFlags>) {
    const saved = recorded[key];
    if (saved === wanted[key]) continue;
    if (!given.has(key)) {
      Object.assign(effective, { [key]: saved ?? undefined });
      notices.push(`resuming with the checkpoint's ${show(key, saved)} (the default is ${show(key, wanted[key])})`);
      continue;
    }
    const reason =
      fixed[key] ??
      scheduledReason(key, recorded) ??
      (midEpoch && (key === 'batchSize' || key === 'shuffle')
        ? `it stopped after step ${state.stepsIntoEpoch} of epoch ${state.completedEpochs + 1}, whose remaining batches ` +
          'are fixed (this flag can change when resuming from the end of an epoch)'
        : undefined);
    if (reason !== undefined) {
      throw new CheckpointError(
        path,
        'flags',
        `${show(key, wanted[key])} differs from the checkpoint's ${show(key, saved)}: ${reason}; ` +
          `resume with ${show(key, saved)}, or start a new run with another --checkpoint path`,
      );
    }
    notices.push(`${show(key, wanted[key])} overrides the checkpoint's ${show(key, saved)}`);
  }
  checkOptionCombinations(effective);
  return { options: effective, notices };
}
