import { Generator, type GeneratorState, InvalidArgumentError } from '@lantern/tensor';
import { CheckpointError } from './errors.js';
import { modelNames } from './model.js';
import { optimizerNames, splitNames, type TrainerOptions } from './options.js';
import { schedulerNames } from './options-recipes.js';
import type { EpochPoint } from './plot.js';

export const checkpointFormat = 'lantern-cifar-trainer-checkpoint';
export const checkpointVersion = 1;

/** The flags that shape a run, recorded so that a resumed run can tell when its command line differs. */
export interface RecordedFlags {
  optimizer: TrainerOptions['optimizer'];
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  batchSize: number;
  shuffle: boolean;
  seed: number | null;
  split: TrainerOptions['split'];
  limit: number | null;
  model: TrainerOptions['model'];
  augment: boolean;
  normalize: boolean;
  labelSmoothing: number;
  clipGradNorm: number | null;
  lrScheduler: NonNullable<TrainerOptions['lrScheduler']> | null;
  /** The scheduler's parameters, as resolved for the run (defaults that depend on other flags filled in); null where unused. */
  stepSize: number | null;
  gamma: number | null;
  milestones: string | null;
  tMax: number | null;
  etaMin: number | null;
  maxLr: number | null;
  pctStart: number | null;
  patience: number | null;
  factor: number | null;
}

type GroupValue = number | boolean | string | null | number[];

/** `optimizer.stateDict()` without its tensors, which the file holds as `optimizer.<parameter index>.<name>`. */
export interface OptimizerRecord {
  paramGroups: Array<{ [option: string]: GroupValue } & { params: number[] }>;
  state: Record<string, Record<string, number | null>>;
}

/** The training state a checkpoint carries as JSON; the tensors (`model.<key>`, optimizer state) sit beside it. */
export interface TrainingState {
  format: typeof checkpointFormat;
  version: typeof checkpointVersion;
  /** Epochs finished. */
  completedEpochs: number;
  /** Steps of epoch `completedEpochs + 1` already taken: 0 at an epoch's end, else a mid-epoch checkpoint. */
  stepsIntoEpoch: number;
  /** The running loss of those steps (the sum of their losses), so the epoch's total comes out as uninterrupted. */
  runningLoss: number;
  /** Steps taken since the run began, for `--checkpoint-every`. */
  globalStep: number;
  flags: RecordedFlags;
  /** The shuffle generator's state at the start of epoch `completedEpochs + 1` (`Generator.getState()`). */
  generator: GeneratorState;
  optimizer: OptimizerRecord;
  /** The learning-rate scheduler's `stateDict()` (plain JSON), or null without --lr-scheduler. */
  scheduler: Record<string, unknown> | null;
  /** Each completed epoch's losses, learning rate and evaluation, so that --plot draws the whole run after a resume. */
  history: EpochPoint[];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Core's own check of a generator state (seed, 624 words, index, cached normal), reported as a checkpoint field. */
function generatorState(found: Record<string, unknown>, fail: (field: string, expected: string, found: unknown) => never) {
  const state = { seed: found.seed, words: found.words, index: found.index, cachedNormal: found.cachedNormal } as GeneratorState;
  try {
    new Generator().setState(state);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    fail('generator', `a generator state (${error.message.replace('Generator.setState: ', '')})`, found);
  }
  return state;
}

/** Checks every field's type and range; the error names the file, the field, what it must be and what it holds. */
export function validateTrainingState(path: string, value: unknown): TrainingState {
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new CheckpointError(path, 'invalid-field', `field '${field}' must be ${expected}, found ${describe(found)}`);
  };
  const object = (field: string, found: unknown) => (isPlainObject(found) ? found : fail(field, 'an object', found));
  const integer = (field: string, found: unknown, minimum: number, maximum = Number.MAX_SAFE_INTEGER) =>
    Number.isSafeInteger(found) && (found as number) >= minimum && (found as number) <= maximum
      ? (found as number)
      : fail(field, `an integer from ${minimum} to ${maximum}`, found);
  const number = (field: string, found: unknown, check: (value: number) => boolean, expected: string) =>
    typeof found === 'number' && Number.isFinite(found) && check(found) ? found : fail(field, expected, found);
  const boolean = (field: string, found: unknown) => (typeof found === 'boolean' ? found : fail(field, 'true or false', found));
  const optional = <Value>(found: unknown, check: (found: unknown) => Value) => (found === null ? null : check(found));
  const choice = <Choice extends string>(field: string, found: unknown, choices: readonly Choice[]) =>
    choices.includes(found as Choice) ? (found as Choice) : fail(field, `one of ${choices.join(', ')}`, found);

  const root = object('(root)', value);
  if (root.format !== checkpointFormat) fail('format', `"${checkpointFormat}"`, root.format);
  if (root.version !== checkpointVersion) {
    const newer = typeof root.version === 'number' && root.version > checkpointVersion;
    fail('version', `${checkpointVersion}${newer ? ' (it was written by a newer cifar-trainer)' : ''}`, root.version);
  }
  const flags = object('flags', root.flags);
  const generator = object('generator', root.generator);
  const state: TrainingState = {
    format: checkpointFormat,
    version: checkpointVersion,
    completedEpochs: integer('completedEpochs', root.completedEpochs, 0),
    stepsIntoEpoch: integer('stepsIntoEpoch', root.stepsIntoEpoch, 0),
    runningLoss: number('runningLoss', root.runningLoss, () => true, 'a finite number'),
    globalStep: integer('globalStep', root.globalStep, 0),
    flags: {
      optimizer: choice('flags.optimizer', flags.optimizer, optimizerNames),
      lr: number('flags.lr', flags.lr, (lr) => lr > 0, 'a number > 0'),
      momentum: number('flags.momentum', flags.momentum, (momentum) => momentum >= 0, 'a number >= 0'),
      weightDecay: number('flags.weightDecay', flags.weightDecay, (decay) => decay >= 0, 'a number >= 0'),
      nesterov: boolean('flags.nesterov', flags.nesterov),
      batchSize: integer('flags.batchSize', flags.batchSize, 1),
      shuffle: boolean('flags.shuffle', flags.shuffle),
      seed: flags.seed === null ? null : integer('flags.seed', flags.seed, 0),
      split: choice('flags.split', flags.split, splitNames),
      limit: flags.limit === null ? null : integer('flags.limit', flags.limit, 1),
      model: choice('flags.model', flags.model, modelNames),
      augment: boolean('flags.augment', flags.augment),
      normalize: boolean('flags.normalize', flags.normalize),
      labelSmoothing: number(
        'flags.labelSmoothing',
        flags.labelSmoothing,
        (value) => value >= 0 && value <= 1,
        'a number from 0 to 1',
      ),
      clipGradNorm: optional(flags.clipGradNorm, (found) =>
        number('flags.clipGradNorm', found, (value) => value > 0, 'a number > 0'),
      ),
      lrScheduler: optional(flags.lrScheduler, (found) => choice('flags.lrScheduler', found, schedulerNames)),
      stepSize: optional(flags.stepSize, (found) => integer('flags.stepSize', found, 1)),
      gamma: optional(flags.gamma, (found) => number('flags.gamma', found, (value) => value > 0, 'a number > 0')),
      milestones: optional(flags.milestones, (found) =>
        typeof found === 'string' && /^[1-9]\d*(,[1-9]\d*)*$/.test(found)
          ? found
          : fail('flags.milestones', 'epochs like "10,15"', found),
      ),
      tMax: optional(flags.tMax, (found) => integer('flags.tMax', found, 1)),
      etaMin: optional(flags.etaMin, (found) => number('flags.etaMin', found, (value) => value >= 0, 'a number >= 0')),
      maxLr: optional(flags.maxLr, (found) => number('flags.maxLr', found, (value) => value > 0, 'a number > 0')),
      pctStart: optional(flags.pctStart, (found) =>
        number('flags.pctStart', found, (value) => value > 0 && value < 1, 'a number in (0, 1)'),
      ),
      patience: optional(flags.patience, (found) => integer('flags.patience', found, 0)),
      factor: optional(flags.factor, (found) =>
        number('flags.factor', found, (value) => value > 0 && value < 1, 'a number in (0, 1)'),
      ),
    },
    generator: generatorState(generator, fail),
    optimizer: validateOptimizerRecord(object('optimizer', root.optimizer), fail),
    scheduler: root.scheduler === null ? null : object('scheduler', root.scheduler),
    history: validateHistory(root.history, fail),
  };
  if (state.history.length !== state.completedEpochs)
    fail('history', `one entry per completed epoch (${state.completedEpochs})`, state.history.length);
  if (state.stepsIntoEpoch === 0 && state.runningLoss !== 0)
    fail('runningLoss', '0 when stepsIntoEpoch is 0 (an epoch boundary)', state.runningLoss);
  if (state.globalStep < state.stepsIntoEpoch)
    fail('globalStep', `at least stepsIntoEpoch (${state.stepsIntoEpoch})`, state.globalStep);
  return state;
}

function validateOptimizerRecord(
  record: Record<string, unknown>,
  fail: (field: string, expected: string, found: unknown) => never,
): OptimizerRecord {
  const { paramGroups, state } = record;
  if (!Array.isArray(paramGroups) || paramGroups.length === 0) fail('optimizer.paramGroups', 'a non-empty array', paramGroups);
  for (const [index, group] of (paramGroups as unknown[]).entries()) {
    const field = `optimizer.paramGroups[${index}]`;
    if (!isPlainObject(group)) fail(field, 'an object', group);
    const { params } = group as Record<string, unknown>;
    if (!Array.isArray(params) || !params.every((param) => Number.isSafeInteger(param) && param >= 0))
      fail(`${field}.params`, 'an array of parameter indices', params);
    for (const [option, value] of Object.entries(group as Record<string, unknown>)) {
      if (option === 'params') continue;
      const finite = (item: unknown) => typeof item === 'number' && Number.isFinite(item);
      const valid =
        value === null ||
        typeof value === 'boolean' ||
        typeof value === 'string' ||
        finite(value) ||
        (Array.isArray(value) && value.every(finite));
      if (!valid) fail(`${field}.${option}`, 'a finite number, boolean, string, null or array of numbers', value);
    }
  }
  if (!isPlainObject(state)) return fail('optimizer.state', 'an object', state);
  for (const [key, entry] of Object.entries(state)) {
    const field = `optimizer.state.${key}`;
    if (!/^(0|[1-9]\d*)$/.test(key)) fail('optimizer.state', 'keyed by parameter indices', key);
    if (!isPlainObject(entry)) return fail(field, 'an object', entry);
    for (const [name, value] of Object.entries(entry)) {
      if (value !== null && !(typeof value === 'number' && Number.isFinite(value)))
        fail(`${field}.${name}`, 'a finite number or null (tensors are stored as tensors)', value);
    }
  }
  return { paramGroups, state } as OptimizerRecord;
}

function validateHistory(history: unknown, fail: (field: string, expected: string, found: unknown) => never): EpochPoint[] {
  if (!Array.isArray(history)) return fail('history', 'an array', history);
  return history.map((entry, index) => {
    const field = `history[${index}]`;
    if (!isPlainObject(entry)) return fail(field, 'an object', entry);
    const finite = (name: string, optional: boolean) => {
      const value = entry[name];
      if (optional && value === undefined) return undefined;
      return typeof value === 'number' && Number.isFinite(value) ? value : fail(`${field}.${name}`, 'a finite number', value);
    };
    if (entry.epoch !== index + 1) fail(`${field}.epoch`, String(index + 1), entry.epoch);
    const point: EpochPoint = {
      epoch: index + 1,
      runningLoss: finite('runningLoss', false)!,
      meanLoss: finite('meanLoss', false)!,
      lr: finite('lr', false)!,
    };
    const testAccuracy = finite('testAccuracy', true);
    const testLoss = finite('testLoss', true);
    if (testAccuracy !== undefined) point.testAccuracy = testAccuracy;
    if (testLoss !== undefined) point.testLoss = testLoss;
    return point;
  });
}
