import { registerCpuBackend } from '@lantern/backend-cpu';
import { Generator, manualSeed } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/pytorch-reference.json';
import { DataLoader } from './dataloader.js';
import { DataLoaderError } from './errors.js';
import { BatchSampler, drawSeed, RandomSampler, SequentialSampler } from './sampler.js';

await registerCpuBackend();

const range = (n: number) => ({ length: n, getItem: (index: number) => index });

async function epochsAsync(loader: DataLoader<number>, count: number): Promise<number[][][]> {
  const epochs: number[][][] = [];
  for (let epoch = 0; epoch < count; epoch++) {
    const batches: number[][] = [];
    for await (const batch of loader) batches.push(Array.from(batch.dataSync()));
    epochs.push(batches);
  }
  return epochs;
}

function epochsSync(loader: DataLoader<number>, count: number): number[][][] {
  return Array.from({ length: count }, () => [...loader].map((batch) => Array.from(batch.dataSync())));
}

describe('shuffle order matches PyTorch 1.13 DataLoader', () => {
  it('with a seeded generator, epoch after epoch (sync and async)', async () => {
    const make = () => new DataLoader(range(10), { batchSize: 3, shuffle: true, generator: new Generator().manualSeed(42) });
    expect(epochsSync(make(), 3)).toEqual(reference.generatorSeed42Batch3);
    expect(await epochsAsync(make(), 3)).toEqual(reference.generatorSeed42Batch3);
  });

  it('with dropLast', () => {
    const loader = new DataLoader(range(10), {
      batchSize: 4,
      shuffle: true,
      dropLast: true,
      generator: new Generator().manualSeed(1),
    });
    expect(loader.length).toBe(2);
    expect(epochsSync(loader, 2)).toEqual(reference.generatorSeed1Batch4DropLast);
  });

  it('with no generator, drawing from the default generator after manualSeed', async () => {
    manualSeed(7);
    expect(await epochsAsync(new DataLoader(range(10), { batchSize: 4, shuffle: true, prefetch: 0 }), 2)).toEqual(
      reference.manualSeed7Batch4,
    );
  });

  it('leaves the trailing randperm undrawn when an epoch is left early, as the Python generator does', () => {
    const loader = new DataLoader(range(10), { batchSize: 3, shuffle: true, generator: new Generator().manualSeed(5) });
    for (const batch of loader) {
      expect(Array.from(batch.dataSync())).toEqual(reference.generatorSeed5BreakAfterOne.first);
      break;
    }
    expect(epochsSync(loader, 1)[0]).toEqual(reference.generatorSeed5BreakAfterOne.nextEpoch);
  });

  it('RandomSampler with replacement draws randint blocks of 32 like PyTorch', () => {
    const sampler = new RandomSampler(range(10), { replacement: true, numSamples: 40, generator: new Generator().manualSeed(3) });
    expect([...sampler]).toEqual(reference.replacementSeed3);
    expect(sampler.length).toBe(40);
    // A whole number of blocks: the trailing draw is empty, as torch.randint(size=(0,)) is.
    expect([
      ...new RandomSampler(range(10), { replacement: true, numSamples: 32, generator: new Generator().manualSeed(3) }),
    ]).toEqual(reference.replacementSeed3.slice(0, 32));
  });
});

describe('samplers', () => {
  it('SequentialSampler and BatchSampler keep or drop the short last batch', () => {
    expect([...new BatchSampler(new SequentialSampler(range(7)), 3, false)]).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect([...new BatchSampler(new SequentialSampler(range(7)), 3, true)]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(new BatchSampler(new SequentialSampler(range(7)), 3, false).length).toBe(3);
  });

  it('RandomSampler without replacement is a permutation per pass, numSamples may span passes', () => {
    const indices = [...new RandomSampler(range(6), { numSamples: 9, generator: new Generator().manualSeed(0) })];
    expect(indices).toHaveLength(9);
    expect([...indices.slice(0, 6)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects bad sizes with a typed error', () => {
    expect(() => new BatchSampler([0], 0, false)).toThrow(DataLoaderError);
    expect(() => new RandomSampler(range(3), { numSamples: -1 })).toThrow(/numSamples should be a positive integer/);
  });

  it('drawSeed is random64 reduced to [0, 2^63)', () => {
    const generator = new Generator().manualSeed(0);
    const high = new Generator().manualSeed(0).nextUint32();
    expect(drawSeed(generator) >> 32n).toBe(BigInt(high & 0x7fffffff));
  });
});
