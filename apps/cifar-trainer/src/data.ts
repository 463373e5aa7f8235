import { CIFAR10, DataLoader, type Dataset, defaultCollate, RandomSampler, SequentialSampler } from '@lantern/data/node';
import { type Generator, stack, Tensor } from '@lantern/tensor';
import type { TrainerOptions } from './options.js';
import { type Augmentation, imageTransform } from './transforms.js';

export type Sample = [Tensor, number];

/**
 * CIFAR-10's split as tensors, optionally cut to its first `limit` samples: ToTensor only, as the course, unless
 * --normalize (every split) or --augment (the `training` split) ask for more (transforms.ts). With --augment the
 * training loop sets `augmentation.epoch` before each epoch.
 */
export async function loadSplit(
  options: TrainerOptions,
  split: 'test' | 'train',
  training = false,
): Promise<{ dataset: Dataset<Sample>; augmentation?: Augmentation }> {
  const { transform, augmentation } = imageTransform(options, training);
  const full = await CIFAR10({ root: options.data, train: split === 'train', transform, download: options.download });
  const length = Math.min(options.limit ?? full.length, full.length);
  const dataset = { length, getItem: (index: number) => full.getItem(index) };
  return { dataset: augmentation ? augmentation.wrap(dataset) : dataset, augmentation };
}

/** The split that --eval and TensorBoard's predictions use: the one training does not. */
export function otherSplitOf(options: Pick<TrainerOptions, 'split'>): 'test' | 'train' {
  return options.split === 'test' ? 'train' : 'test';
}

/**
 * The first `count` samples as one batch for the model, and for display as values in [0, 1] (NCHW) with their labels.
 * `display` undoes the normalisation (`x·std + mean` per channel) that the model's input went through.
 */
export async function firstSamples(dataset: Dataset<Sample>, count: number, normalization?: { mean: number[]; std: number[] }) {
  const samples = Array.from({ length: Math.min(count, dataset.length) }, (_, index) => dataset.getItem(index));
  const images = stack(
    samples.map(([image]) => image),
    0,
  );
  const data = Float32Array.from(await images.data());
  const [batch, channels, height, width] = images.shape as [number, number, number, number];
  if (normalization) {
    const plane = height * width;
    for (let index = 0; index < data.length; index++) {
      const channel = Math.floor(index / plane) % channels;
      data[index] = data[index]! * normalization.std[channel]! + normalization.mean[channel]!;
    }
  }
  for (const [image] of samples) image.dispose();
  return {
    images,
    display: { images: { data, shape: [batch, channels, height, width] }, labels: samples.map(([, label]) => label) },
  };
}

/**
 * defaultCollate, then the samples' images are disposed: every getItem made them afresh, and once stacked into the
 * batch they would otherwise hold wasm or WebGPU memory until the garbage collector got to them (found by
 * long-run-memory.test.ts: 16 storages a step on top of what training holds).
 */
function collateAndFree(samples: Sample[]): [Tensor, Tensor] {
  const batch = defaultCollate(samples) as [Tensor, Tensor];
  for (const sample of samples) if (Array.isArray(sample) && sample[0] instanceof Tensor) sample[0].dispose();
  return batch;
}

/** The evaluation loader: in order, in batches of 256. */
export function makeLoader(dataset: Dataset<Sample>, batchSize: number, shuffle: boolean, generator?: Generator) {
  return new DataLoader(dataset, { batchSize, shuffle, generator, collate: collateAndFree });
}

/**
 * The training batches of one epoch after another, as DataLoader's own `shuffle` makes them (a RandomSampler over
 * the generator, or in order, cut into batches), except that the next epoch can start `skipSamples` in: a resumed
 * mid-epoch checkpoint draws the epoch's order exactly as the interrupted run did, then skips what it already trained.
 */
export class ResumableBatches implements Iterable<number[]> {
  skipSamples = 0;

  constructor(
    private readonly samples: number,
    private readonly batchSize: number,
    private readonly shuffle: boolean,
    private readonly generator: Generator,
  ) {}

  *[Symbol.iterator](): Iterator<number[]> {
    const source = { length: this.samples };
    const sampler = this.shuffle ? new RandomSampler(source, { generator: this.generator }) : new SequentialSampler(source);
    const skip = this.skipSamples;
    this.skipSamples = 0;
    let position = 0;
    let batch: number[] = [];
    for (const index of sampler) {
      if (position++ < skip) continue;
      batch.push(index);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

/** A training loader over `batches`; the generator also feeds DataLoader's per-epoch base seed, as with `shuffle`. */
export function makeTrainingLoader(dataset: Dataset<Sample>, batches: ResumableBatches, generator: Generator) {
  return new DataLoader(dataset, { batchSampler: batches, generator, collate: collateAndFree });
}
