import { CrossEntropyLoss } from '@lantern/losses';
import type { Module } from '@lantern/nn';
import { loadSafetensorsFile, saveSafetensorsFile } from '@lantern/nn/node';
import { Adam, AdamW, RMSprop, SGD } from '@lantern/optim';
import { Generator, manualSeed, noGrad, setBackend, type Tensor, tidy } from '@lantern/tensor';
import { loadBackend } from './backends.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { loadSplit, makeLoader } from './data.js';
import { LossTracker } from './loss-tracker.js';
import { CourseNet } from './model.js';
import type { TrainerOptions } from './options.js';
import type { Reporter } from './report.js';

export interface EpochResult {
  epoch: number;
  runningLoss: number;
  meanLoss: number;
  seconds: number;
  imagesPerSecond: number;
  testAccuracy?: number;
}

function createOptimizer(options: TrainerOptions, model: Module) {
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
 * The course's loop: for each batch, forward, CrossEntropyLoss, zeroGrad, backward, step, adding the loss value to
 * the epoch's running loss. A NaN or Inf loss stops training with DivergedError.
 */
export async function train(options: TrainerOptions, reporter: Reporter): Promise<EpochResult[]> {
  await loadBackend(options.backend, options.threads, options.winograd);
  setBackend(options.backend);
  if (options.seed !== undefined) manualSeed(options.seed);
  const dataset = await loadSplit(options, options.split);
  const generator = options.seed !== undefined ? new Generator(options.seed) : undefined;
  const loader = makeLoader(dataset, options.batchSize, options.shuffle, generator);
  const evalLoader = options.eval
    ? makeLoader(await loadSplit(options, options.split === 'test' ? 'train' : 'test'), 256, false)
    : null;

  const model = new CourseNet();
  if (options.init) model.loadStateDict((await loadSafetensorsFile(options.init)).tensors);
  const lossFunction = new CrossEntropyLoss();
  const optimizer = createOptimizer(options, model);
  const firstEpoch = options.resume ? (await loadCheckpoint(options.checkpoint!, model, optimizer as never)) + 1 : 1;
  if (firstEpoch > 1) reporter.resumed(firstEpoch - 1, options.checkpoint!);
  reporter.start(options, dataset.length);

  const results: EpochResult[] = [];
  for (let epoch = firstEpoch; epoch <= options.epochs; epoch++) {
    const tracker = new LossTracker(epoch, options.lr, (step, loss) => reporter.step(epoch, step, loss));
    const start = performance.now();
    for await (const [imgs, targets] of loader as AsyncIterable<[Tensor, Tensor]>) {
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
    }
    await tracker.flush();
    const seconds = (performance.now() - start) / 1000;
    const result: EpochResult = {
      epoch,
      runningLoss: tracker.runningLoss,
      meanLoss: tracker.runningLoss / tracker.steps,
      seconds,
      imagesPerSecond: dataset.length / seconds,
    };
    if (evalLoader) result.testAccuracy = await accuracy(model, evalLoader as AsyncIterable<[Tensor, Tensor]>);
    results.push(result);
    reporter.epoch(result, options.epochs);
    if (options.checkpoint) await saveCheckpoint(options.checkpoint, model, optimizer as never, epoch);
  }
  if (options.save) await saveSafetensorsFile(options.save, model.stateDict());
  return results;
}
