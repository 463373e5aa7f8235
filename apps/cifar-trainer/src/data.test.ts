import { DataLoader, type Dataset } from '@lantern/data';
import { Generator } from '@lantern/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './__fixtures__/checkpoint-support.js';
import { makeTrainingLoader, ResumableBatches, type Sample } from './data.js';

beforeAll(useCpuBackend);

// Samples that are their own index, so a batch shows the order; the loader only passes them to the collate function.
const indices = { length: 10, getItem: (index: number) => index } as unknown as Dataset<Sample>;
async function epochs(loader: AsyncIterable<unknown>, count: number): Promise<number[][]> {
  const orders: number[][] = [];
  for (let epoch = 0; epoch < count; epoch++) {
    const order: number[] = [];
    for await (const batch of loader) order.push(...Array.from((batch as { dataSync(): ArrayLike<number> }).dataSync()));
    orders.push(order);
  }
  return orders;
}

describe('the resumable shuffle', () => {
  it("draws DataLoader's own shuffle order, epoch after epoch", async () => {
    const reference = new DataLoader(indices, { batchSize: 3, shuffle: true, generator: new Generator(7) });
    const generator = new Generator(7);
    const ours = makeTrainingLoader(indices, new ResumableBatches(10, 3, true, generator), generator);
    expect(await epochs(ours, 3)).toEqual(await epochs(reference, 3));
  });

  it('restored from a state, it continues the same stream; a skip starts the epoch that many samples in', async () => {
    const generator = new Generator(7);
    const batches = new ResumableBatches(10, 3, true, generator);
    const [first] = await epochs(makeTrainingLoader(indices, batches, generator), 1);
    const snapshot = generator.getState();
    const [second] = await epochs(makeTrainingLoader(indices, batches, generator), 1);
    const restored = new Generator().setState(snapshot);
    const resumedBatches = new ResumableBatches(10, 3, true, restored);
    resumedBatches.skipSamples = 6;
    const [rest] = await epochs(makeTrainingLoader(indices, resumedBatches, restored), 1);
    expect(rest).toEqual(second!.slice(6));
    expect(second).not.toEqual(first);
    // Two draws for DataLoader's base seed, nine for randperm(10), nine for the trailing randperm(10)[:0] that
    // RandomSampler draws at the end of a pass, as PyTorch does.
    const advanced = new Generator(7);
    for (let draw = 0; draw < 2 + 9 + 9; draw++) advanced.nextUint32();
    expect(snapshot).toEqual(advanced.getState());
  });
});
