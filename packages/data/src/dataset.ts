import type { Tensor } from '@lantern/tensor';
import { DataLoaderError } from './errors.js';

/**
 * A map-style dataset, PyTorch's `Dataset`: `length` samples, each read by index (`__len__` and `__getitem__`).
 * @example
 * const squares: Dataset<[number, number]> = { length: 10, getItem: (i) => [i, i * i] };
 */
export interface Dataset<Sample> {
  readonly length: number;
  getItem(index: number): Sample;
}

/**
 * A stream of samples, PyTorch's `IterableDataset`: a DataLoader batches consecutive samples; there is no index, so
 * no shuffle and no sampler. Either iterator kind works; the synchronous DataLoader loop needs the synchronous one.
 */
export type IterableDataset<Sample> =
  | { [Symbol.iterator](): Iterator<Sample>; readonly length?: number }
  | { [Symbol.asyncIterator](): AsyncIterator<Sample>; readonly length?: number };

export type AnyDataset<Sample> = Dataset<Sample> | IterableDataset<Sample>;

export function isMapDataset<Sample>(dataset: AnyDataset<Sample>): dataset is Dataset<Sample> {
  return typeof (dataset as Dataset<Sample>).getItem === 'function';
}

/**
 * Wraps tensors that share their first dim; sample i is the tuple of their i-th rows, as torch's TensorDataset.
 * @example
 * const data = new TensorDataset(features, labels); // data.getItem(0) is [features.index(0), labels.index(0)]
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new DataLoaderError('TensorDataset: expected at least one tensor');
    const size = tensors[0]!.shape[0];
    for (const tensor of tensors) {
      if (tensor.ndim === 0 || tensor.shape[0] !== size) {
        throw new DataLoaderError(
          `TensorDataset: size mismatch between tensors, shapes ${tensors.map((t) => `[${t.shape.join(', ')}]`).join(' and ')}`,
        );
      }
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  getItem(index: number): Tensor[] {
    return this.tensors.map((tensor) => tensor.index(index));
  }
}

/** Checks an index the way a Python sequence would (negative indices count from the end). */
export function resolveIndex(dataset: string, index: number, length: number): number {
  const resolved = index < 0 ? index + length : index;
  if (!Number.isInteger(resolved) || resolved < 0 || resolved >= length) {
    throw new RangeError(`${dataset}: index ${index} is out of range for a dataset of ${length} samples`);
  }
  return resolved;
}
