import { CIFAR10, DataLoader, type Dataset, RandomSampler, SequentialSampler, ToTensor } from '@lantern/data/node';
import type { Generator, Tensor } from '@lantern/tensor';
import type { TrainerOptions } from './options.js';

export type Sample = [Tensor, number];

/** CIFAR-10's split as tensors (ToTensor only, as the course), optionally cut to its first `limit` samples. */
export async function loadSplit(options: TrainerOptions, split: 'test' | 'train'): Promise<Dataset<Sample>> {
  const dataset = await CIFAR10({
    root: options.data,
    train: split === 'train',
    transform: ToTensor(),
    download: options.download,
  });
  const length = Math.min(options.limit ?? dataset.length, dataset.length);
  return { length, getItem: (index: number) => dataset.getItem(index) };
}

/** The evaluation loader: in order, in batches of 256. */
export function makeLoader(dataset: Dataset<Sample>, batchSize: number, shuffle: boolean, generator?: Generator) {
  return new DataLoader(dataset, { batchSize, shuffle, generator });
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
  return new DataLoader(dataset, { batchSampler: batches, generator });
}
