import { DataLoader, type Dataset, type RawImage, ToTensor } from '@lantern/data';
import { CrossEntropyLoss } from '@lantern/losses';
import type { Module } from '@lantern/nn';
import { Adam, AdamW, type Optimizer, RMSprop, SGD } from '@lantern/optim';
import { Generator, noGrad, type Tensor, tidy } from '@lantern/tensor';
import type { EpochResult, TrainingConfig } from './protocol.js';
import { slice } from './splits.js';

/**
 * The playground's training loop, free of DOM and worker APIs so that the benchmark runs the very same loop in
 * Node: the trainer's recipe (ToTensor only, CrossEntropyLoss, zeroGrad, backward, step inside tidy), with a hook
 * between steps where the worker yields to its message queue, pauses, and draws predictions.
 */

/** A non-finite loss: the run stops and the page says what to change. */
export class DivergedError extends Error {
  override name = 'DivergedError';
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly value: number,
    readonly lr: number,
  ) {
    super(`loss became ${value} at epoch ${epoch}, step ${step} (lr ${lr}): training diverged`);
  }
}

export function createOptimizer(config: TrainingConfig, model: Module): Optimizer {
  const { lr, momentum } = config;
  switch (config.optimizer) {
    case 'sgd':
      return new SGD(model.parameters(), { lr, momentum });
    case 'adam':
      return new Adam(model.parameters(), { lr });
    case 'adamw':
      return new AdamW(model.parameters(), { lr });
    case 'rmsprop':
      return new RMSprop(model.parameters(), { lr, momentum });
  }
}

const toTensor = ToTensor();

/** Samples as the model takes them: float32 [3, 32, 32] in [0, 1] and the label. */
export function asTensors(dataset: Dataset<[RawImage, number]>): Dataset<[Tensor, number]> {
  return {
    length: dataset.length,
    getItem: (index: number) => {
      const [image, label] = dataset.getItem(index);
      return [toTensor(image) as Tensor, label];
    },
  };
}

/** Reads a scalar: at once where the backend reads synchronously, otherwise through the asynchronous read. */
async function readScalar(value: Tensor): Promise<number> {
  const result = value.backend.supportsSyncRead ? value.item() : (await value.data())[0]!;
  value.dispose();
  return result;
}

/**
 * Runs `task` with the model in eval mode (BatchNorm normalises with its running statistics and leaves them alone,
 * as PyTorch's `model.eval()`), then puts back the mode it had: a run in progress goes on training, and a model that
 * was only being tested stays in eval mode.
 */
async function inEvalMode<Result>(model: Module, task: () => Promise<Result>): Promise<Result> {
  const wasTraining = model.training;
  model.eval();
  try {
    return await task();
  } finally {
    model.train(wasTraining);
  }
}

/** Top-1 accuracy over `dataset`, in eval mode with gradients off, in batches of 256 as the trainer evaluates. */
export function evaluate(model: Module, dataset: Dataset<[RawImage, number]>): Promise<number> {
  return inEvalMode(model, async () => {
    let correct = 0;
    for await (const [images, labels] of new DataLoader(asTensors(dataset), { batchSize: 256 })) {
      correct += await readScalar(noGrad(() => tidy(() => (model(images) as Tensor).argmax(1).eq(labels).sum())));
      images.dispose();
      labels.dispose();
    }
    return correct / dataset.length;
  });
}

/** The class the model picks for each image, and the softmax probability it gives that class. */
export function predict(model: Module, images: Tensor): Promise<{ predicted: number[]; confidence: number[] }> {
  return inEvalMode(model, async () => {
    const [best, index] = noGrad(() =>
      tidy(() => {
        const { values, indices } = (model(images) as Tensor).softmax(1).max(1);
        return [values, indices];
      }),
    );
    const [confidence, predicted] = [await best!.data(), await index!.data()];
    best!.dispose();
    index!.dispose();
    return { predicted: Array.from(predicted), confidence: Array.from(confidence) };
  });
}

export type { EpochResult } from './protocol.js';

export interface TrainingHooks {
  /** Every step's loss, once read. */
  step(epoch: number, stepInEpoch: number, stepsPerEpoch: number, loss: number, images: number): void;
  /** After each step: yield, wait out a pause, draw predictions. `excludedMs` is kept off the epoch's clock. */
  betweenSteps(): Promise<{ stop: boolean; excludedMs: number }>;
  epoch(result: EpochResult): void;
}

export interface TrainingData {
  train: Dataset<[RawImage, number]>;
  test: Dataset<[RawImage, number]>;
}

/** Epochs `firstEpoch`..config.epochs; 'stopped' when betweenSteps asked to stop. */
export async function train(
  model: Module,
  optimizer: Optimizer,
  data: TrainingData,
  config: TrainingConfig,
  hooks: TrainingHooks,
  firstEpoch = 1,
): Promise<'finished' | 'stopped'> {
  const trainSet = config.trainLimit ? slice(data.train, 0, Math.min(config.trainLimit, data.train.length)) : data.train;
  const loader = new DataLoader(asTensors(trainSet), {
    batchSize: config.batchSize,
    shuffle: true,
    generator: new Generator().manualSeed(config.seed),
  });
  const testSet = config.testLimit ? slice(data.test, 0, Math.min(config.testLimit, data.test.length)) : data.test;
  const stepsPerEpoch = Math.ceil(trainSet.length / config.batchSize);
  const lossFunction = new CrossEntropyLoss();
  // Train mode for the steps: BatchNorm normalises with each batch's statistics and updates its running ones.
  model.train();
  for (let epoch = firstEpoch; epoch <= config.epochs; epoch++) {
    const start = performance.now();
    let excludedMs = 0;
    let lossSum = 0;
    let step = 0;
    for await (const [images, labels] of loader) {
      const batch = images.shape[0]!;
      const loss = tidy(() => {
        const value = lossFunction(model(images) as Tensor, labels);
        optimizer.zeroGrad();
        value.backward();
        optimizer.step();
        return value;
      });
      images.dispose();
      labels.dispose();
      const value = await readScalar(loss);
      step++;
      if (!Number.isFinite(value)) throw new DivergedError(epoch, step, value, config.lr);
      lossSum += value;
      hooks.step(epoch, step, stepsPerEpoch, value, batch);
      const between = await hooks.betweenSteps();
      excludedMs += between.excludedMs;
      if (between.stop) return 'stopped';
    }
    const seconds = (performance.now() - start - excludedMs) / 1000;
    const accuracy = await evaluate(model, testSet);
    hooks.epoch({
      epoch,
      meanLoss: lossSum / step,
      accuracy,
      testImages: testSet.length,
      imagesPerSecond: trainSet.length / seconds,
      seconds,
    });
  }
  return 'finished';
}
