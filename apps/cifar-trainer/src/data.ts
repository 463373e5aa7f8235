import { CIFAR10, DataLoader, type Dataset, ToTensor } from '@lantern/data/node';
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

export function makeLoader(dataset: Dataset<Sample>, batchSize: number, shuffle: boolean, generator?: Generator) {
  return new DataLoader(dataset, { batchSize, shuffle, generator });
}
