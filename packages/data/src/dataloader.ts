import { defaultGenerator, type Generator } from '@lantern/tensor';
import { type Collated, type CollateFunction, defaultCollate } from './collate.js';
import { type AnyDataset, type Dataset, isMapDataset } from './dataset.js';
import { DataLoaderError } from './errors.js';
import { createSliceTimer, prefetched } from './prefetch.js';
import { BatchSampler, drawSeed, RandomSampler, type Sampler, SequentialSampler } from './sampler.js';
import { WorkerCoordinator } from './worker-coordinator.js';
import { decodeBatch, type WorkerPool } from './worker-protocol.js';

export interface DataLoaderOptions<Sample, Batch> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Reshuffle every epoch with a RandomSampler drawing from `generator` (default false). */
  shuffle?: boolean;
  /** Seeds shuffling and the workers' base seed; core's default generator when omitted, as in PyTorch. */
  generator?: Generator;
  /** Indices to draw, instead of `shuffle`. */
  sampler?: Sampler;
  /** Whole batches of indices, instead of batchSize/shuffle/sampler/dropLast. */
  batchSampler?: Iterable<number[]> & { readonly length?: number };
  /** Drop the last batch when it is short (default false). */
  dropLast?: boolean;
  /** Merges samples into a batch (default: defaultCollate, PyTorch's default_collate). */
  collate?: CollateFunction<Sample, Batch>;
  /** Batches prepared ahead during `for await` (default 2; 0 prepares each batch on request). */
  prefetch?: number;
  /** Background workers (e.g. `threadWorkers()` from '@lantern/data/node') that build batches in parallel. */
  workers?: WorkerPool;
}

/**
 * PyTorch's DataLoader: batches a dataset in sampler order. `for await` prepares the next `prefetch` batches in the
 * background (on worker threads when `workers` is given, else in the gaps the loop spends awaiting); `for ... of`
 * builds each batch on request. Shuffled orders match PyTorch 1.13's for the same seed, epoch after epoch.
 * @example
 * const loader = new DataLoader(dataset, { batchSize: 64, shuffle: true, generator: new Generator(0) });
 * for await (const [images, labels] of loader) { ... }
 */
export class DataLoader<Sample, Batch = Collated<Sample>> implements AsyncIterable<Batch>, Iterable<Batch> {
  readonly batchSize: number;
  readonly prefetch: number;
  private readonly batches: (Iterable<number[]> & { readonly length?: number }) | null;
  private readonly collate: CollateFunction<Sample, Batch>;
  private readonly generator: Generator | undefined;
  private coordinator: WorkerCoordinator | null = null;

  constructor(
    readonly dataset: AnyDataset<Sample>,
    private readonly options: DataLoaderOptions<Sample, Batch> = {},
  ) {
    const { shuffle = false, sampler, batchSampler, dropLast = false, prefetch = 2 } = options;
    this.batchSize = options.batchSize ?? 1;
    this.generator = options.generator;
    this.collate = options.collate ?? (defaultCollate as unknown as CollateFunction<Sample, Batch>);
    if (!Number.isInteger(prefetch) || prefetch < 0)
      throw new DataLoaderError(`DataLoader: prefetch must be a non-negative integer, got ${prefetch}`);
    this.prefetch = prefetch;
    if (options.workers && !(Number.isInteger(options.workers.count) && options.workers.count > 0)) {
      throw new DataLoaderError(`DataLoader: workers.count must be a positive integer, got ${options.workers.count}`);
    }
    if (!isMapDataset(dataset)) {
      const given = shuffle
        ? `shuffle=${shuffle}`
        : sampler
          ? 'a sampler'
          : batchSampler
            ? 'a batchSampler'
            : options.workers
              ? 'workers'
              : null;
      if (given)
        throw new DataLoaderError(
          `DataLoader with IterableDataset: expected no shuffle, sampler, batchSampler or workers, but got ${given}`,
        );
      if (!Number.isInteger(this.batchSize) || this.batchSize <= 0) {
        throw new DataLoaderError(
          `DataLoader: batchSize should be a positive integer value, but got batchSize=${this.batchSize}`,
        );
      }
      this.batches = null;
      return;
    }
    if (sampler && shuffle) throw new DataLoaderError('DataLoader: sampler option is mutually exclusive with shuffle');
    if (batchSampler) {
      if (options.batchSize !== undefined || shuffle || sampler || dropLast) {
        throw new DataLoaderError(
          'DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast',
        );
      }
      this.batches = batchSampler;
      return;
    }
    const indices =
      sampler ?? (shuffle ? new RandomSampler(dataset, { generator: options.generator }) : new SequentialSampler(dataset));
    this.batches = new BatchSampler(indices, this.batchSize, dropLast);
  }

  /** Batches per epoch (torch's len(loader)); throws for an iterable dataset without a length. */
  get length(): number {
    const count = this.batches
      ? this.batches.length
      : lengthOfBatches(this.dataset.length, this.batchSize, this.options.dropLast ?? false);
    if (count === undefined)
      throw new DataLoaderError('DataLoader: the dataset (or sampler) has no length, so the loader has none');
    return count;
  }

  /** Synchronous epoch: each batch is built when requested (no prefetch, no workers). */
  [Symbol.iterator](): Iterator<Batch> {
    if (this.options.workers)
      throw new DataLoaderError('DataLoader: workers serve only `for await`; iterate with for await, or drop the workers option');
    this.drawBaseSeed();
    return this.iterateSync();
  }

  /** Asynchronous epoch with background preparation (prefetch, or worker threads when configured). */
  [Symbol.asyncIterator](): AsyncIterator<Batch> {
    const baseSeed = this.drawBaseSeed();
    if (this.options.workers) return this.iterateWithWorkers(this.options.workers, baseSeed);
    const produce = this.batches ? this.mapProducer(this.batches[Symbol.iterator]()) : this.streamProducer();
    if (this.prefetch === 0) return fromProducer(produce.next, produce.stop);
    return prefetched(produce.next, this.prefetch, produce.stop);
  }

  /** Terminates the workers, if any (they are kept across epochs, like PyTorch's persistent_workers). */
  async close(): Promise<void> {
    const coordinator = this.coordinator;
    this.coordinator = null;
    await coordinator?.close();
  }

  // PyTorch draws one int64 from the loader's generator each time an iterator is made (the workers' base seed);
  // drawing it here too keeps the shuffle order identical to PyTorch's from epoch to epoch.
  private drawBaseSeed(): bigint {
    return drawSeed(this.generator ?? defaultGenerator);
  }

  private *iterateSync(): IterableIterator<Batch> {
    const dataset = this.dataset;
    if (this.batches) {
      const map = dataset as Dataset<Sample>;
      for (const indices of this.batches) yield this.collate(indices.map((index) => map.getItem(index)));
      return;
    }
    if (!(Symbol.iterator in dataset))
      throw new DataLoaderError('DataLoader: this IterableDataset is only async-iterable; use for await');
    let samples: Sample[] = [];
    for (const sample of dataset as Iterable<Sample>) {
      samples.push(sample);
      if (samples.length === this.batchSize) {
        yield this.collate(samples);
        samples = [];
      }
    }
    if (samples.length > 0 && !this.options.dropLast) yield this.collate(samples);
  }

  private mapProducer(plan: Iterator<number[]>): Producer<Batch> {
    const dataset = this.dataset as Dataset<Sample>;
    return {
      next: async () => {
        const next = plan.next();
        if (next.done) return { done: true, value: undefined };
        const pause = createSliceTimer();
        const samples: Sample[] = [];
        for (const index of next.value) {
          samples.push(dataset.getItem(index));
          await pause();
        }
        return { done: false, value: this.collate(samples) };
      },
      stop: () => plan.return?.(),
    };
  }

  private streamProducer(): Producer<Batch> {
    const dataset = this.dataset as AsyncIterable<Sample> | Iterable<Sample>;
    const source =
      Symbol.asyncIterator in dataset ? dataset[Symbol.asyncIterator]() : (dataset as Iterable<Sample>)[Symbol.iterator]();
    let exhausted = false;
    return {
      next: async () => {
        const samples: Sample[] = [];
        const pause = createSliceTimer();
        while (!exhausted && samples.length < this.batchSize) {
          const result = await source.next();
          if (result.done) exhausted = true;
          else samples.push(result.value);
          await pause();
        }
        if (samples.length === 0 || (samples.length < this.batchSize && this.options.dropLast))
          return { done: true, value: undefined };
        return { done: false, value: this.collate(samples) };
      },
      stop: () => void source.return?.(),
    };
  }

  private async *iterateWithWorkers(pool: WorkerPool, baseSeed: bigint): AsyncGenerator<Batch> {
    this.coordinator ??= new WorkerCoordinator(pool, baseSeed);
    const coordinator = this.coordinator;
    coordinator.setActive(true);
    const plan = this.batches![Symbol.iterator]();
    const inFlight: Array<Promise<unknown>> = [];
    let sent = 0;
    const fill = () => {
      while (inFlight.length < Math.max(this.prefetch, 1) * coordinator.count) {
        const next = plan.next();
        if (next.done) return;
        const answer = coordinator.request(sent++ % coordinator.count, next.value);
        answer.catch(() => {}); // awaited below in order; this only stops early rejections from counting as unhandled
        inFlight.push(answer);
      }
    };
    try {
      const lengths = await coordinator.whenReady();
      lengths.forEach((length, workerId) => {
        if (length !== (this.dataset as Dataset<Sample>).length) {
          throw new DataLoaderError(
            `DataLoader: worker ${workerId}'s dataset has ${length} samples, the main thread's has ${(this.dataset as Dataset<Sample>).length}`,
          );
        }
      });
      fill();
      while (inFlight.length > 0) {
        const batch = await inFlight.shift()!;
        fill();
        yield decodeBatch(batch) as Batch;
      }
    } finally {
      coordinator.setActive(false);
      plan.return?.();
    }
  }
}

interface Producer<T> {
  next(): Promise<IteratorResult<T>>;
  stop(): void;
}

async function* fromProducer<T>(next: () => Promise<IteratorResult<T>>, stop: () => void): AsyncGenerator<T> {
  try {
    for (let result = await next(); !result.done; result = await next()) yield result.value;
  } finally {
    stop();
  }
}

function lengthOfBatches(samples: number | undefined, batchSize: number, dropLast: boolean): number | undefined {
  if (samples === undefined) return undefined;
  return dropLast ? Math.floor(samples / batchSize) : Math.ceil(samples / batchSize);
}
