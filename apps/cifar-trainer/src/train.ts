import { Generator, type Tensor } from '@lantern/tensor';
import { removeLeftoverTemporaries } from './atomic-file.js';
import { readCheckpoint, type SavedCheckpoint, saveCheckpoint, saveWeights } from './checkpoint.js';
import { acquireCheckpointLock } from './checkpoint-lock.js';
import { clipGradNorm_ } from './clip-grad-norm.js';
import { makeTrainingLoader, ResumableBatches } from './data.js';
import { type EpochSetup, runEpoch } from './epoch.js';
import { CheckpointError, InterruptedError } from './errors.js';
import { type Evaluation, evaluate, predict } from './evaluate.js';
import { exportTrainedModel } from './export-onnx.js';
import { modelDescriptions } from './model.js';
import { describeOptimizer } from './optimizer-setup.js';
import type { TrainerOptions } from './options.js';
import { checkInputPaths, checkOutputPaths } from './output-paths.js';
import { writePlot } from './plot.js';
import type { Reporter } from './report.js';
import { prepareRun } from './run-setup.js';
import { StopSignals } from './stop-signals.js';
import { TensorBoardLog } from './tensorboard-log.js';
import { createTrainStep } from './train-step.js';

export interface EpochResult {
  epoch: number;
  runningLoss: number;
  meanLoss: number;
  seconds: number;
  imagesPerSecond: number;
  /** The learning rate of the epoch's last step. */
  lr: number;
  /** With --eval: on the other split. */
  testAccuracy?: number;
  testLoss?: number;
  evaluation?: Evaluation;
}

/**
 * Trains as `options` say. Input and output paths are checked first, and with --checkpoint the checkpoint's lock is held for
 * the whole run (see checkpoint-lock.ts); leftovers of interrupted writes by dead processes are removed.
 */
export async function train(options: TrainerOptions, reporter: Reporter): Promise<EpochResult[]> {
  await checkInputPaths(options);
  await checkOutputPaths(options);
  const checkpointPath = options.checkpoint;
  const lock = checkpointPath === undefined ? undefined : await acquireCheckpointLock(checkpointPath);
  try {
    if (lock?.staleOwner)
      reporter.notice(`took over ${lock.lockPath} from pid ${lock.staleOwner.pid}, which is no longer running`);
    const outputs = [options.save, options.exportOnnx, options.plot, checkpointPath, lock?.lockPath].filter(
      (path) => path !== undefined,
    );
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

/**
 * Trains epoch after epoch (epoch.ts) the run that run-setup.ts builds; after each epoch: the evaluation, the
 * scheduler's epoch step, the reporter's line, TensorBoard, then the checkpoint. An --eval run ends with the last
 * evaluation's per-class accuracy.
 */
async function run(requested: TrainerOptions, reporter: Reporter, saved: SavedCheckpoint | undefined): Promise<EpochResult[]> {
  const prepared = await prepareRun(requested, reporter, saved);
  const { options, dataset, model, optimizer, schedule, lossFunction, position, evalLoader, sample } = prepared;
  if (saved) {
    reporter.resumed(position.completedEpochs, position.stepsIntoEpoch, saved.path);
    if (position.completedEpochs >= options.epochs)
      reporter.notice(
        `the checkpoint has ${position.completedEpochs} epochs done, --epochs is ${options.epochs}: nothing to train`,
      );
  }
  reporter.start(options, dataset.length);

  const generator = new Generator().setState(position.generator);
  const batches = new ResumableBatches(dataset.length, options.batchSize, options.shuffle, generator);
  const tensorBoard =
    options.logdir === undefined
      ? undefined
      : new TensorBoardLog(options.logdir, options.logEvery ?? 100, saved && position.globalStep);
  const signals = new StopSignals();
  const parameters = model.parameters();
  const { clipGradNorm } = options;
  const setup: EpochSetup = {
    options,
    optimizer,
    trainStep: createTrainStep(
      {
        model,
        optimizer,
        lossFunction: (outputs, targets) => lossFunction(outputs, targets),
        beforeOptimizerStep: clipGradNorm === undefined ? undefined : () => void clipGradNorm_(parameters, clipGradNorm),
      },
      options.compile !== false,
    ),
    loader: makeTrainingLoader(dataset, batches, generator) as AsyncIterable<[Tensor, Tensor]>,
    batches,
    generator,
    stepsPerEpoch: prepared.stepsPerEpoch,
    samples: dataset.length,
    reporter,
    signals,
    tensorBoard,
    checkpoint: async (progress) => {
      if (!options.checkpoint) return;
      const scheduler = schedule?.scheduler.stateDict() ?? null;
      await saveCheckpoint(options.checkpoint, model, optimizer, { ...progress, flags: position.flags, scheduler, history });
    },
    afterOptimizerStep: schedule && (() => schedule.afterStep()),
  };
  const results: EpochResult[] = [];
  const history = [...position.history];
  let globalStep = position.globalStep;
  try {
    for (let epoch = position.completedEpochs + 1; epoch <= options.epochs; epoch++) {
      const resuming = epoch === position.completedEpochs + 1;
      const from = resuming
        ? { stepsDone: position.stepsIntoEpoch, runningLoss: position.runningLoss, globalStep }
        : { stepsDone: 0, runningLoss: 0, globalStep };
      if (prepared.augmentation) prepared.augmentation.epoch = epoch;
      const outcome = await runEpoch(setup, epoch, from);
      globalStep = outcome.globalStep;
      const result: EpochResult = {
        epoch,
        runningLoss: outcome.runningLoss,
        meanLoss: outcome.runningLoss / outcome.steps,
        seconds: outcome.seconds,
        imagesPerSecond: outcome.images / outcome.seconds,
        lr: outcome.lr,
      };
      if (evalLoader) {
        const evaluation = await evaluate(model, evalLoader as AsyncIterable<[Tensor, Tensor]>);
        Object.assign(result, { testAccuracy: evaluation.accuracy, testLoss: evaluation.loss, evaluation });
      }
      schedule?.afterEpoch(result.testLoss ?? result.meanLoss);
      results.push(result);
      const { runningLoss, meanLoss, lr, testAccuracy, testLoss } = result;
      history.push({ epoch, runningLoss, meanLoss, lr, ...(evalLoader ? { testAccuracy, testLoss } : {}) });
      reporter.epoch(result, options.epochs);
      if (options.plot) await writePlot(options.plot, history, ...plotTitle(options));
      if (tensorBoard) {
        tensorBoard.epoch(globalStep, result);
        if (options.logHistograms) await tensorBoard.histograms(model, globalStep);
        if (sample) tensorBoard.predictions({ ...sample.display, predicted: await predict(model, sample.images) }, globalStep);
      }
      await setup.checkpoint({
        completedEpochs: epoch,
        stepsIntoEpoch: 0,
        runningLoss: 0,
        globalStep,
        generator: generator.getState(),
      });
      if (signals.received) throw new InterruptedError(signals.received, epoch, outcome.steps, options.checkpoint);
    }
    const last = results.at(-1);
    if (last?.evaluation) reporter.classAccuracy(last.epoch, last.evaluation);
    reporter.finish();
  } finally {
    signals.dispose();
    reporter.close();
    tensorBoard?.close();
  }
  if (options.save) await saveWeights(options.save, model);
  if (options.exportOnnx) {
    const bytes = await exportTrainedModel(model, options.exportOnnx, { inputShape: [3, 32, 32] });
    reporter.notice(`wrote ${options.exportOnnx} (ONNX, ${bytes} bytes)`);
  }
  return results;
}

/** What the plot says it shows: the model and data, then the recipe. */
function plotTitle(options: TrainerOptions): [string, string] {
  const [optimizer, schedule] = describeOptimizer(options);
  const recipe = [
    optimizer,
    `batch ${options.batchSize}`,
    schedule,
    options.augment && 'augmented',
    options.normalize && 'normalized',
  ].filter(Boolean);
  return [`${modelDescriptions[options.model]} on CIFAR-10 ${options.split}`, recipe.join(', ')];
}
