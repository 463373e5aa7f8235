import type { Optimizer } from '@lantern/optim';
import type { Generator, GeneratorState, Tensor } from '@lantern/tensor';
import type { TrainingProgress } from './checkpoint.js';
import type { ResumableBatches } from './data.js';
import { InterruptedError } from './errors.js';
import { LossTracker } from './loss-tracker.js';
import type { TrainerOptions } from './options.js';
import type { Reporter } from './report.js';
import type { StopSignals } from './stop-signals.js';
import type { TensorBoardLog } from './tensorboard-log.js';

/** What every epoch trains with: built once by train.ts. */
export interface EpochSetup {
  options: TrainerOptions;
  optimizer: Optimizer;
  /** Forward, loss, zeroGrad, backward, step, returning the loss (train-step.ts; compiled unless --no-compile). */
  trainStep: (inputs: Tensor, targets: Tensor) => Tensor;
  loader: AsyncIterable<[Tensor, Tensor]>;
  batches: ResumableBatches;
  generator: Generator;
  stepsPerEpoch: number;
  samples: number;
  reporter: Reporter;
  signals: StopSignals;
  tensorBoard?: TensorBoardLog;
  /** Writes a checkpoint (with --checkpoint; otherwise does nothing), adding the flags, scheduler state and history. */
  checkpoint(progress: Omit<TrainingProgress, 'flags' | 'scheduler' | 'history'>): Promise<void>;
  /** After every optimizer step (schedulers that step per batch). */
  afterOptimizerStep?(): void;
}

/** Where an epoch starts: at its beginning, or part-way after a mid-epoch checkpoint. */
export interface EpochPosition {
  stepsDone: number;
  runningLoss: number;
  globalStep: number;
}

export interface EpochOutcome {
  runningLoss: number;
  steps: number;
  images: number;
  seconds: number;
  globalStep: number;
  /** The learning rate of the epoch's last step (the first group's). */
  lr: number;
}

/**
 * One epoch of the course's loop: for each batch, forward, loss, zeroGrad, backward, step, adding the loss value to
 * the epoch's running loss. A NaN or Inf loss stops training with DivergedError. Checkpoints within the epoch
 * (--checkpoint-every, or a stop signal) record the shuffle generator as of the epoch's start (`epochStart`) and how
 * far the epoch got, which is all a resumed run needs to continue as an uninterrupted one.
 */
export async function runEpoch(setup: EpochSetup, epoch: number, from: EpochPosition): Promise<EpochOutcome> {
  const { options, optimizer, batches, reporter, signals, stepsPerEpoch, tensorBoard } = setup;
  const epochStart: GeneratorState = setup.generator.getState();
  const firstGlobalStep = from.globalStep - from.stepsDone;
  const tracker = new LossTracker(epoch, options.lr, (step, loss) => {
    reporter.step(epoch, step, loss);
    tensorBoard?.step(firstGlobalStep + step, loss);
  });
  tracker.steps = from.stepsDone;
  tracker.runningLoss = from.runningLoss;
  batches.skipSamples = from.stepsDone * options.batchSize;
  reporter.epochStart({
    epoch,
    epochs: options.epochs,
    stepsPerEpoch,
    stepsDone: from.stepsDone,
    runningLoss: from.runningLoss,
    batchSize: options.batchSize,
    samples: setup.samples,
  });
  let globalStep = from.globalStep;
  let images = 0;
  let lr = optimizer.paramGroups[0]!.lr;
  const start = performance.now();
  for await (const [inputs, targets] of setup.loader) {
    images += inputs.shape[0]!;
    lr = optimizer.paramGroups[0]!.lr;
    const resultLoss = setup.trainStep(inputs, targets);
    setup.afterOptimizerStep?.();
    inputs.dispose();
    targets.dispose();
    await tracker.record(resultLoss);
    globalStep++;
    // The epoch's last step is followed by the end-of-epoch checkpoint, in train.ts.
    const due = options.checkpointEvery !== undefined && globalStep % options.checkpointEvery === 0;
    if (tracker.steps === stepsPerEpoch || !(due || signals.received)) continue;
    await tracker.flush();
    const { steps, runningLoss } = tracker;
    await setup.checkpoint({ completedEpochs: epoch - 1, stepsIntoEpoch: steps, runningLoss, globalStep, generator: epochStart });
    if (signals.received) throw new InterruptedError(signals.received, epoch, steps, options.checkpoint);
  }
  await tracker.flush();
  const seconds = (performance.now() - start) / 1000;
  return { runningLoss: tracker.runningLoss, steps: tracker.steps, images, seconds, globalStep, lr };
}
