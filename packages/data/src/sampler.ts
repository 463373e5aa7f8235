import { defaultGenerator, Generator, randintValues, randpermValues } from '@lantern/tensor';
import { DataLoaderError } from './errors.js';

/** Yields dataset indices; `length` (when known) is how many. PyTorch's `Sampler[int]`. */
export interface Sampler {
  [Symbol.iterator](): Iterator<number>;
  readonly length?: number;
}

/** 0, 1, …, length - 1, as torch's SequentialSampler. */
export class SequentialSampler implements Sampler {
  constructor(readonly source: { readonly length: number }) {}
  get length(): number {
    return this.source.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let index = 0; index < this.source.length; index++) yield index;
  }
}

export interface RandomSamplerOptions {
  /** Draw with replacement (then `numSamples` may exceed the dataset's length). */
  replacement?: boolean;
  numSamples?: number;
  /** Without one, each pass seeds a fresh generator from core's default generator, as PyTorch does. */
  generator?: Generator;
}

/**
 * Random indices drawn exactly as torch 1.13's RandomSampler draws them (randperm per pass, randint in blocks of 32
 * with replacement), so the same seed gives PyTorch's order. Iteration is lazy like the Python generator it mirrors:
 * the trailing `randperm(n)[:numSamples % n]` is drawn only when the pass runs to its end.
 */
export class RandomSampler implements Sampler {
  private readonly replacement: boolean;
  private readonly generator: Generator | undefined;
  private readonly requestedSamples: number | undefined;

  constructor(
    readonly source: { readonly length: number },
    options: RandomSamplerOptions = {},
  ) {
    this.replacement = options.replacement ?? false;
    this.generator = options.generator;
    this.requestedSamples = options.numSamples;
    if (this.requestedSamples !== undefined && !(Number.isInteger(this.requestedSamples) && this.requestedSamples > 0)) {
      throw new DataLoaderError(
        `RandomSampler: numSamples should be a positive integer value, but got numSamples=${this.requestedSamples}`,
      );
    }
  }

  get length(): number {
    return this.requestedSamples ?? this.source.length;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.source.length;
    const generator = this.generator ?? new Generator(Number(drawSeed(defaultGenerator) & 0xffffffffn));
    const total = this.length;
    if (this.replacement) {
      for (let block = 0; block < Math.floor(total / 32); block++) yield* randintValues(0, n, 32, generator);
      yield* randintValues(0, n, total % 32, generator);
      return;
    }
    for (let pass = 0; pass < Math.floor(total / n); pass++) yield* randpermValues(n, generator);
    yield* randpermValues(n, generator).subarray(0, total % n);
  }
}

/** Groups a sampler's indices into batches, as torch's BatchSampler (the last short batch kept unless dropLast). */
export class BatchSampler {
  constructor(
    readonly sampler: Iterable<number> & { readonly length?: number },
    readonly batchSize: number,
    readonly dropLast: boolean,
  ) {
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new DataLoaderError(`BatchSampler: batchSize should be a positive integer value, but got batchSize=${batchSize}`);
    }
  }

  get length(): number | undefined {
    const count = this.sampler.length;
    if (count === undefined) return undefined;
    return this.dropLast ? Math.floor(count / this.batchSize) : Math.ceil(count / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const index of this.sampler) {
      batch.push(index);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}

/**
 * PyTorch's `torch.empty((), dtype=torch.int64).random_(generator)`: one random64() (two 32-bit draws, high word first)
 * reduced to [0, 2^63). DataLoader draws one per epoch as the workers' base seed, as PyTorch does, which keeps its
 * shuffle order in step with PyTorch's across epochs.
 */
export function drawSeed(generator: Generator): bigint {
  const high = BigInt(generator.nextUint32());
  const low = BigInt(generator.nextUint32());
  return ((high << 32n) | low) & 0x7fffffffffffffffn;
}
