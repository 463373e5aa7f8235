import { CrossEntropyLoss } from '@lantern/losses';
import type { Module } from '@lantern/nn';
import { loadSafetensorsFile } from '@lantern/nn/node';
import { Adam, AdamW, type Optimizer, RMSprop, SGD } from '@lantern/optim';
import { Generator, manualSeed, noGrad, setBackend, type Tensor, tidy } from '@lantern/tensor';
import { removeLeftoverTemporaries } from './atomic-file.js';
import { loadBackend } from './backends.js';
import {
  readCheckpoint,
  restoreCheckpoint,
  type SavedCheckpoint,
  saveCheckpoint,
  saveWeights,
  type TrainingProgress,
} from './checkpoint.js';
import { acquireCheckpointLock } from './checkpoint-lock.js';
import { loadSplit, makeLoader, makeTrainingLoader, ResumableBatches } from './data.js';
import { CheckpointError, InterruptedError } from './errors.js';
import { LossTracker } from './loss-tracker.js';
import { CourseNet } from './model.js';
import type { TrainerOptions } from './options.js';
import { checkOutputPaths } from './output-paths.js';
import type { Reporter } from './report.js';
import { reconcileFlags, recordFlags } from './resume-flags.js';
import { StopSignals } from './stop-signals.js';

export interface EpochResult {
  epoch: number;
  runningLoss: number;
  meanLoss: number;
  seconds: number;
  imagesPerSecond: number;
  testAccuracy?: number;
}

function createOptimizer(options: TrainerOptions, model: Module): Optimizer {
  const { lr, momentum, weightDecay } = options;
  switch (options.optimizer) {
    case 'sgd':
      return new SGD(model.parameters(), { lr, momentum, weightDecay, nesterov: options.nesterov });
    case 'adam':
      return new Adam(model.parameters(), { lr, weightDecay });
    case 'adamw':
      return new AdamW(model.parameters(), { lr, weightDecay });
    case 'rmsprop':
      return new RMSprop(model.parameters(), { lr, momentum, weightDecay });
  }
}

async function accuracy(model: Module, loader: AsyncIterable<[Tensor, Tensor]>): Promise<number> {
  model.eval();
  let correct = 0,
    total = 0;
  for await (const [images, labels] of loader) {
    const hits = noGrad(() => tidy(() => (model(images) as Tensor).argmax(1).eq(labels).sum()));
    correct += (await hits.data())[0]!;
    total += labels.shape[0]!;
    for (const tensor of [hits, images, labels]) tensor.dispose();
  }
  model.train();
  return correct / total;
}

/**
 * Trains as `options` say. Output paths are checked first, and with --checkpoint the checkpoint's lock is held for
 * the whole run (see checkpoint-lock.ts); leftovers of interrupted writes by dead processes are removed.
 */
export async function train(options: TrainerOptions, reporter: Reporter): Promise<EpochResult[]> {
  await checkOutputPaths(options);
  const checkpointPath = options.checkpoint;
  const lock = checkpointPath === undefined ? undefined : await acquireCheckpointLock(checkpointPath);
  try {
    if (lock?.staleOwner)
      reporter.notice(`took over ${lock.lockPath} from pid ${lock.staleOwner.pid}, which is no longer running`);
    const outputs = [options.save, checkpointPath, lock?.lockPath].filter((path) => path !== undefined);
    for (const output of outputs)
      for (const leftover of await removeLeftoverTemporaries(output))
        reporter.notice(`removed ${leftover}, left by an interrupted write`);
    if (checkpointPath !== undefined && !options.resume) await refuseToOverwrite(checkpointPath);
    const saved = checkpointPath === undefined ? undefined : await readCheckpoint(checkpointPath);
    if (!saved && options.resume) reporter.notice(`no checkpoint at ${checkpointPath}: starting from epoch 1`);
    return await run(options, reporter, saved);
  } finally {
    await lock?.release();
  }
}

/** Without --resume, a file at the checkpoint path (valid or not) is someone's work: never overwritten. */
async function refuseToOverwrite(path: string): Promise<void> {
  let what: string;
  try {
    const saved = await readCheckpoint(path);
    if (saved === undefined) return;
    const { completedEpochs, stepsIntoEpoch } = saved.state;
    what = `a checkpoint (${stepsIntoEpoch === 0 ? `${completedEpochs} epochs done` : `step ${stepsIntoEpoch} of epoch ${completedEpochs + 1}`})`;
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    what = `a file that is not a usable checkpoint (${error.reason})`;
  }
  throw new CheckpointError(
    path,
    'exists',
    `already holds ${what}; pass --resume to continue it, or choose another --checkpoint path (or delete the file) to start over`,
  );
}

/** Sets the hyperparameters that the command line may change on resume over what the checkpoint restored. */
function applyHyperparameters(optimizer: Optimizer, options: TrainerOptions): void {
  for (const group of optimizer.paramGroups as unknown as Array<Record<string, unknown>>)
    for (const key of ['lr', 'momentum', 'weightDecay', 'nesterov'] as const) if (key in group) group[key] = options[key];
}

/**
 * The course's loop: for each batch, forward, CrossEntropyLoss, zeroGrad, backward, step, adding the loss value to
 * the epoch's running loss. A NaN or Inf loss stops training with DivergedError. Checkpoints hold everything a
 * resumed run needs to continue exactly as an uninterrupted one: weights, optimizer state, the shuffle generator
 * as of the epoch's start, and how far into the epoch training got.
 */
async function run(requested: TrainerOptions, reporter: Reporter, saved: SavedCheckpoint | undefined): Promise<EpochResult[]> {
  const { options, notices } = saved ? reconcileFlags(requested, saved.state, saved.path) : { options: requested, notices: [] };
  for (const notice of notices) reporter.notice(notice);
  if (saved && options.init) reporter.notice(`--init ${options.init} is not used: the weights come from the checkpoint`);
  await loadBackend(options.backend, options.threads, options.winograd);
  setBackend(options.backend);
  if (options.seed !== undefined) manualSeed(options.seed);
  const dataset = await loadSplit(options, options.split);
  const evalLoader = options.eval
    ? makeLoader(await loadSplit(options, options.split === 'test' ? 'train' : 'test'), 256, false)
    : null;

  const model = new CourseNet();
  if (options.init && !saved) model.loadStateDict((await loadSafetensorsFile(options.init)).tensors);
  const lossFunction = new CrossEntropyLoss();
  const optimizer = createOptimizer(options, model);
  const stepsPerEpoch = Math.ceil(dataset.length / options.batchSize);
  let position: TrainingProgress = {
    completedEpochs: 0,
    stepsIntoEpoch: 0,
    runningLoss: 0,
    globalStep: 0,
    flags: recordFlags(options),
    generator: new Generator(options.seed).getState(),
  };
  if (saved) {
    if (saved.state.stepsIntoEpoch >= stepsPerEpoch) {
      throw new CheckpointError(
        saved.path,
        'mismatch',
        `it stopped after step ${saved.state.stepsIntoEpoch} of an epoch, but this data has ${stepsPerEpoch} steps per epoch`,
      );
    }
    restoreCheckpoint(saved, model, optimizer, options.optimizer);
    applyHyperparameters(optimizer, options);
    position = { ...saved.state, flags: recordFlags(options) };
    reporter.resumed(position.completedEpochs, position.stepsIntoEpoch, saved.path);
    if (position.completedEpochs >= options.epochs)
      reporter.notice(
        `the checkpoint has ${position.completedEpochs} epochs done, --epochs is ${options.epochs}: nothing to train`,
      );
  }
  reporter.start(options, dataset.length);
  const checkpoint = async (progress: Omit<TrainingProgress, 'flags'>) => {
    if (options.checkpoint) await saveCheckpoint(options.checkpoint, model, optimizer, { ...progress, flags: position.flags });
  };

  const generator = new Generator().setState(position.generator);
  const batches = new ResumableBatches(dataset.length, options.batchSize, options.shuffle, generator);
  const loader = makeTrainingLoader(dataset, batches, generator);
  const results: EpochResult[] = [];
  let globalStep = position.globalStep;
  const signals = new StopSignals();
  try {
    for (let epoch = position.completedEpochs + 1; epoch <= options.epochs; epoch++) {
      const resuming = epoch === position.completedEpochs + 1;
      const epochStart = generator.getState();
      const tracker = new LossTracker(epoch, options.lr, (step, loss) => reporter.step(epoch, step, loss));
      tracker.steps = resuming ? position.stepsIntoEpoch : 0;
      tracker.runningLoss = resuming ? position.runningLoss : 0;
      batches.skipSamples = tracker.steps * options.batchSize;
      let images = 0;
      const start = performance.now();
      for await (const [imgs, targets] of loader as AsyncIterable<[Tensor, Tensor]>) {
        images += imgs.shape[0]!;
        // tidy frees the step's activations and intermediate gradients at once (wasm and WebGPU memory is invisible to
        // the garbage collector); parameters, their .grad and the optimizer's state are kept.
        const resultLoss = tidy(() => {
          const outputs = model(imgs);
          const loss = lossFunction(outputs, targets);
          optimizer.zeroGrad();
          loss.backward();
          optimizer.step();
          return loss;
        });
        imgs.dispose();
        targets.dispose();
        await tracker.record(resultLoss);
        globalStep++;
        // The epoch's last step is followed by the end-of-epoch checkpoint, below.
        const due = options.checkpointEvery !== undefined && globalStep % options.checkpointEvery === 0;
        if (tracker.steps === stepsPerEpoch || !(due || signals.received)) continue;
        await tracker.flush();
        const { steps, runningLoss } = tracker;
        await checkpoint({ completedEpochs: epoch - 1, stepsIntoEpoch: steps, runningLoss, globalStep, generator: epochStart });
        if (signals.received) throw new InterruptedError(signals.received, epoch, steps, options.checkpoint);
      }
      await tracker.flush();
      const seconds = (performance.now() - start) / 1000;
      const result: EpochResult = {
        epoch,
        runningLoss: tracker.runningLoss,
        meanLoss: tracker.runningLoss / tracker.steps,
        seconds,
        imagesPerSecond: images / seconds,
      };
      if (evalLoader) result.testAccuracy = await accuracy(model, evalLoader as AsyncIterable<[Tensor, Tensor]>);
      results.push(result);
      reporter.epoch(result, options.epochs);
      await checkpoint({
        completedEpochs: epoch,
        stepsIntoEpoch: 0,
        runningLoss: 0,
        globalStep,
        generator: generator.getState(),
      });
      if (signals.received) throw new InterruptedError(signals.received, epoch, tracker.steps, options.checkpoint);
    }
  } finally {
    signals.dispose();
  }
  if (options.save) await saveWeights(options.save, model);
  return results;
}
