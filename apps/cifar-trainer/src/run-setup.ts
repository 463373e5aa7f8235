import type { Dataset } from '@lantern/data';
import { CrossEntropyLoss } from '@lantern/losses';
import { loadSafetensorsFile } from '@lantern/nn/node';
import type { Optimizer } from '@lantern/optim';
import { Generator, manualSeed, setBackend } from '@lantern/tensor';
import { loadBackend } from './backends.js';
import { restoreCheckpoint, type SavedCheckpoint, type TrainingProgress } from './checkpoint.js';
import { firstSamples, loadSplit, makeLoader, otherSplitOf, type Sample } from './data.js';
import { CheckpointError } from './errors.js';
import { CourseNet, modelDescriptions } from './model.js';
import { applyHyperparameters, createOptimizer } from './optimizer-setup.js';
import type { TrainerOptions } from './options.js';
import type { Reporter } from './report.js';
import { reconcileFlags, recordFlags } from './resume-flags.js';
import { createSchedule, type LearningRateSchedule } from './schedule.js';
import type { Augmentation } from './transforms.js';
import { cifar10Normalization } from './transforms.js';

/** Everything a run trains with, and where it starts. */
export interface PreparedRun {
  options: TrainerOptions;
  dataset: Dataset<Sample>;
  augmentation?: Augmentation;
  evalLoader?: ReturnType<typeof makeLoader>;
  /** With --logdir: the first 16 images of the other split, for TensorBoard's grid of predictions. */
  sample?: Awaited<ReturnType<typeof firstSamples>>;
  model: CourseNet;
  optimizer: Optimizer;
  schedule?: LearningRateSchedule;
  lossFunction: CrossEntropyLoss;
  stepsPerEpoch: number;
  position: TrainingProgress;
}

/**
 * Builds the run the flags describe: the checkpoint's flags merged in (saying what differs), the backend, the data,
 * the model, optimizer and scheduler, with the checkpoint's state restored into them when resuming.
 */
export async function prepareRun(requested: TrainerOptions, reporter: Reporter, saved?: SavedCheckpoint): Promise<PreparedRun> {
  const { options, notices } = saved ? reconcileFlags(requested, saved.state, saved.path) : { options: requested, notices: [] };
  for (const notice of notices) reporter.notice(notice);
  if (saved && options.init) reporter.notice(`--init ${options.init} is not used: the weights come from the checkpoint`);
  await loadBackend(options.backend, options.threads, options.winograd);
  setBackend(options.backend);
  if (options.seed !== undefined) manualSeed(options.seed);
  const { dataset, augmentation } = await loadSplit(options, options.split, true);
  const needsOther = options.eval || options.logdir !== undefined;
  const other = needsOther ? (await loadSplit(options, otherSplitOf(options))).dataset : undefined;
  const evalLoader = options.eval && other ? makeLoader(other, 256, false) : undefined;
  const normalization = options.normalize ? cifar10Normalization : undefined;
  const sample = options.logdir !== undefined && other ? await firstSamples(other, 16, normalization) : undefined;

  const model = new CourseNet(options.model);
  if (options.init && !saved) model.loadStateDict((await loadSafetensorsFile(options.init)).tensors);
  const lossFunction = new CrossEntropyLoss({ labelSmoothing: options.labelSmoothing });
  const optimizer = createOptimizer(options, model);
  const stepsPerEpoch = Math.ceil(dataset.length / options.batchSize);
  // The scheduler before the checkpoint's optimizer state: it adds its fields (initialLr, …) to the groups, which
  // the checkpoint's groups must match.
  const schedule = createSchedule(options, optimizer, stepsPerEpoch);
  let position: TrainingProgress = {
    completedEpochs: 0,
    stepsIntoEpoch: 0,
    runningLoss: 0,
    globalStep: 0,
    flags: recordFlags(options),
    generator: new Generator(options.seed).getState(),
    scheduler: null,
    history: [],
  };
  if (saved) {
    if (saved.state.stepsIntoEpoch >= stepsPerEpoch) {
      throw new CheckpointError(
        saved.path,
        'mismatch',
        `it stopped after step ${saved.state.stepsIntoEpoch} of an epoch, but this data has ${stepsPerEpoch} steps per epoch`,
      );
    }
    restoreCheckpoint(saved, model, optimizer, options.optimizer, modelDescriptions[options.model]);
    restoreSchedule(saved, schedule);
    applyHyperparameters(optimizer, options, schedule?.controls);
    position = { ...saved.state, flags: recordFlags(options) };
    const remaining = Math.max(0, (options.epochs - position.completedEpochs) * stepsPerEpoch - position.stepsIntoEpoch);
    schedule?.checkRemainingSteps(remaining);
  }
  return {
    options,
    dataset,
    augmentation,
    evalLoader,
    sample,
    model,
    optimizer,
    schedule,
    lossFunction,
    stepsPerEpoch,
    position,
  };
}

function restoreSchedule(saved: SavedCheckpoint, schedule: LearningRateSchedule | undefined): void {
  const state = saved.state.scheduler;
  if ((state === null) !== (schedule === undefined))
    throw new CheckpointError(
      saved.path,
      'mismatch',
      `its scheduler state does not match --lr-scheduler ${saved.state.flags.lrScheduler}`,
    );
  if (!state || !schedule) return;
  // A scheduler's loadStateDict assigns whatever it is given, as PyTorch's does: check the saved state's keys and
  // value kinds against a fresh state first, so a damaged one is refused here instead of corrupting the schedule.
  const fresh = schedule.scheduler.stateDict() as Record<string, unknown>;
  for (const [key, value] of Object.entries(fresh)) {
    const savedValue = (state as Record<string, unknown>)[key];
    // JSON has no Infinity: a plateau scheduler's initial best is saved as null.
    const infinitySaved = savedValue === null && typeof value === 'number' && !Number.isFinite(value);
    if (kindOf(savedValue) !== kindOf(value) && !infinitySaved) {
      throw new CheckpointError(
        saved.path,
        'mismatch',
        `its scheduler state has ${key} = ${JSON.stringify(savedValue) ?? 'nothing'}, where --lr-scheduler ` +
          `${saved.state.flags.lrScheduler} keeps ${kindOf(value)}`,
      );
    }
  }
  schedule.scheduler.loadStateDict(state);
}

/** The JSON kind of a value, for comparing a saved state with a fresh one (null matches null only). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}
