import { registerCpuBackend } from '@lantern/backend-cpu';
import { syntheticCIFAR10Batch } from '@lantern/data/node';
import { manualSeed, setBackend, stack, type Tensor } from '@lantern/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from './models.js';
import type { TrainingConfig } from './protocol.js';
import { type Splits, splitBatches } from './splits.js';
import { asTensors, createOptimizer, DivergedError, type EpochResult, evaluate, predict, train } from './training.js';

await registerCpuBackend();

// The loop on the cpu reference backend, on a few batches of the generated CIFAR-10: the page's worker and the
// benchmark run this same code on wasm and WebGPU.
const config: TrainingConfig = {
  model: 'course',
  optimizer: 'sgd',
  lr: 0.005,
  momentum: 0.9,
  batchSize: 16,
  epochs: 2,
  trainLimit: 96,
  testLimit: 32,
  backend: 'cpu',
  threads: 1,
  seed: 0,
};

describe('train', () => {
  let splits: Splits;
  beforeAll(() => {
    setBackend('cpu');
    splits = splitBatches([{ name: 'data_batch_1.bin', bytes: syntheticCIFAR10Batch(0, 0) }]);
  });

  const run = async (overrides: Partial<TrainingConfig>, stopAfter = Number.POSITIVE_INFINITY) => {
    const runConfig = { ...config, ...overrides };
    manualSeed(runConfig.seed);
    const model = createModel(runConfig.model);
    const losses: number[] = [];
    const epochs: EpochResult[] = [];
    const outcome = await train(model, createOptimizer(runConfig, model), splits, runConfig, {
      step: (_epoch, _step, _stepsPerEpoch, loss) => losses.push(loss),
      betweenSteps: async () => ({ stop: losses.length >= stopAfter, excludedMs: 0 }),
      epoch: (result) => epochs.push(result),
    });
    return { outcome, losses, epochs, model };
  };

  it('runs the epochs, reading every loss, and evaluates on the test images after each', async () => {
    const { outcome, losses, epochs } = await run({});
    expect(outcome).toBe('finished');
    expect(losses).toHaveLength(12);
    expect(epochs.map((epoch) => [epoch.epoch, epoch.testImages])).toEqual([
      [1, 32],
      [2, 32],
    ]);
    expect(epochs[0]!.meanLoss).toBeCloseTo(losses.slice(0, 6).reduce((sum, loss) => sum + loss) / 6, 10);
    for (const epoch of epochs) {
      expect(epoch.accuracy).toBeGreaterThanOrEqual(0);
      expect(epoch.accuracy).toBeLessThanOrEqual(1);
      expect(epoch.imagesPerSecond).toBeCloseTo(96 / epoch.seconds, 6);
    }
  }, 60_000);

  it('stops between steps when asked, and stops with DivergedError on a non-finite loss', async () => {
    const stopped = await run({}, 2);
    expect([stopped.outcome, stopped.losses.length, stopped.epochs.length]).toEqual(['stopped', 2, 0]);
    await expect(run({ lr: 1e12 })).rejects.toBeInstanceOf(DivergedError);
    await expect(run({ lr: 1e12 })).rejects.toMatchObject({ epoch: 1, lr: 1e12 });
  }, 60_000);

  it('trains every optimizer the page offers, and the ReLU model', async () => {
    for (const optimizer of ['sgd', 'adam', 'adamw', 'rmsprop'] as const) {
      const { losses } = await run({ optimizer, lr: optimizer === 'sgd' ? 0.005 : 0.001, epochs: 1, trainLimit: 32 });
      expect(losses.every(Number.isFinite), optimizer).toBe(true);
    }
    expect((await run({ model: 'course-relu', epochs: 1, trainLimit: 32 })).outcome).toBe('finished');
  }, 60_000);

  it('course-bn trains in train mode and evaluates and predicts in eval mode, on the running statistics', async () => {
    const { model, losses } = await run({ model: 'course-bn', epochs: 1, trainLimit: 32 });
    expect(losses).toHaveLength(2);
    expect(model.training).toBe(true);
    const norms = ['model1.1', 'model1.5', 'model1.9'];
    const statistics = async (): Promise<Record<string, number[]>> => {
      const state = model.stateDict();
      const names = norms.flatMap((norm) =>
        ['running_mean', 'running_var', 'num_batches_tracked'].map((buffer) => `${norm}.${buffer}`),
      );
      const values = await Promise.all(names.map(async (name) => Array.from(await state[name]!.data())));
      return Object.fromEntries(names.map((name, index) => [name, values[index]!]));
    };
    const afterTraining = await statistics();
    for (const norm of norms) {
      // Two training steps moved the statistics; the epoch's evaluation (eval mode) counted no batch.
      expect(afterTraining[`${norm}.num_batches_tracked`]).toEqual([2]);
      expect(
        afterTraining[`${norm}.running_mean`]!.some((value) => value !== 0),
        norm,
      ).toBe(true);
      expect(
        afterTraining[`${norm}.running_var`]!.some((value) => value !== 1),
        norm,
      ).toBe(true);
    }
    const test = { length: 8, getItem: (index: number) => splits.test.getItem(index) };
    await evaluate(model, test);
    expect(await statistics()).toEqual(afterTraining);
    expect(model.training).toBe(true);
    model.eval();
    await evaluate(model, test);
    expect(model.training, 'a model in eval mode stays there').toBe(false);
    model.train();

    // In eval mode an image's scores do not depend on the images beside it; with batch statistics they would.
    const image = (index: number) => asTensors(test).getItem(index)[0] as Tensor;
    const four = await predict(model, stack([0, 1, 2, 3].map(image)));
    const two = await predict(model, stack([0, 1].map(image)));
    expect(two.predicted).toEqual(four.predicted.slice(0, 2));
    for (const index of [0, 1]) expect(two.confidence[index]).toBeCloseTo(four.confidence[index]!, 5);
    expect(await statistics()).toEqual(afterTraining);
    expect(model.training).toBe(true);
  }, 60_000);

  it('evaluate counts right answers; predict gives a class and its probability per image', async () => {
    manualSeed(0);
    const model = createModel('course');
    const test = { length: 8, getItem: (index: number) => splits.test.getItem(index) };
    const accuracy = await evaluate(model, test);
    expect(accuracy * 8).toBe(Math.round(accuracy * 8));
    const images = stack(Array.from({ length: 4 }, (_, index) => asTensors(test).getItem(index)[0] as Tensor));
    const { predicted, confidence } = await predict(model, images);
    expect(predicted).toHaveLength(4);
    for (const [index, label] of predicted.entries()) {
      expect(label).toBeGreaterThanOrEqual(0);
      expect(label).toBeLessThan(10);
      expect(confidence[index]).toBeGreaterThan(0.1 - 1e-6);
      expect(confidence[index]).toBeLessThanOrEqual(1);
    }
  }, 60_000);
});
