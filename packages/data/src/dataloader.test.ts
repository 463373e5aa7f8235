import { registerCpuBackend } from '@lantern/backend-cpu';
import { arange, type Tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader } from './dataloader.js';
import { type Dataset, TensorDataset } from './dataset.js';
import { DataLoaderError } from './errors.js';

await registerCpuBackend();

const values = (tensor: Tensor) => Array.from(tensor.dataSync());
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DataLoader batching', () => {
  it('batches a TensorDataset in order, sync and async alike', async () => {
    const dataset = new TensorDataset(arange(20).reshape(10, 2).float(), arange(10));
    const loader = new DataLoader(dataset, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const synchronous = [...loader].map(([x, y]) => [x.shape, values(y)]);
    expect(synchronous).toEqual([
      [
        [4, 2],
        [0, 1, 2, 3],
      ],
      [
        [4, 2],
        [4, 5, 6, 7],
      ],
      [
        [2, 2],
        [8, 9],
      ],
    ]);
    const asynchronous: unknown[] = [];
    for await (const [x, y] of loader) asynchronous.push([x.shape, values(y)]);
    expect(asynchronous).toEqual(synchronous);
  });

  it('uses a custom collate and a batchSampler', () => {
    const loader = new DataLoader(
      { length: 6, getItem: (i: number) => i * 10 },
      {
        batchSampler: [
          [5, 0],
          [1, 2, 3],
        ],
        collate: (samples) => samples.join('+'),
      },
    );
    expect([...loader]).toEqual(['50+0', '10+20+30']);
  });

  it('batches iterable datasets (sync and async generators), honouring dropLast', async () => {
    function* numbers() {
      for (let i = 0; i < 7; i++) yield i;
    }
    async function* slowNumbers() {
      for (let i = 0; i < 7; i++) {
        await delay(1);
        yield i;
      }
    }
    const collect = (samples: number[]) => samples;
    expect([...new DataLoader({ [Symbol.iterator]: numbers }, { batchSize: 3, collate: collect })]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6],
    ]);
    const batches: number[][] = [];
    for await (const batch of new DataLoader(
      { [Symbol.asyncIterator]: slowNumbers },
      { batchSize: 3, dropLast: true, collate: collect },
    ))
      batches.push(batch);
    expect(batches).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(() => [...new DataLoader({ [Symbol.asyncIterator]: slowNumbers }, { batchSize: 3 })]).toThrow(/only async-iterable/);
  });

  it('rejects conflicting options with PyTorch-worded typed errors', () => {
    const dataset = { length: 4, getItem: (i: number) => i };
    expect(() => new DataLoader(dataset, { shuffle: true, sampler: [0, 1] })).toThrow(
      'sampler option is mutually exclusive with shuffle',
    );
    expect(() => new DataLoader(dataset, { batchSampler: [[0]], batchSize: 2 })).toThrow(
      /batchSampler option is mutually exclusive/,
    );
    expect(
      () =>
        new DataLoader(
          {
            *[Symbol.iterator]() {
              yield 1;
            },
          },
          { shuffle: true },
        ),
    ).toThrow(/IterableDataset: expected no shuffle/);
    expect(() => new DataLoader(dataset, { batchSize: 0 })).toThrow(DataLoaderError);
    expect(() => new DataLoader(dataset, { prefetch: -1 })).toThrow(/prefetch must be a non-negative integer/);
    expect(
      () =>
        new DataLoader({
          *[Symbol.iterator]() {
            yield 1;
          },
        }).length,
    ).toThrow(/has no length/);
  });
});

describe('DataLoader background preparation', () => {
  it('prepares the next batches while the loop awaits, up to `prefetch` ahead', async () => {
    const log: string[] = [];
    const dataset: Dataset<number> = {
      length: 8,
      getItem: (i) => {
        log.push(`get ${i}`);
        return i;
      },
    };
    const loader = new DataLoader(dataset, { batchSize: 2, prefetch: 2, collate: (samples) => samples });
    for await (const batch of loader) {
      log.push(`start ${batch[0]}`);
      // The consumer waits (as for a device readback): preparation runs in that gap. Poll rather than sleep a fixed
      // time, so a slow machine cannot make the check flaky; then wait a little more to see that it stops at 2 ahead.
      for (let tries = 0; tries < 500 && batch[0] === 0 && !log.includes('get 5'); tries++) await delay(1);
      await delay(5);
      log.push(`end ${batch[0]}`);
    }
    // While batch 0 is being consumed, batches 1 and 2 get built, and no more than that (prefetch = 2).
    const during = log.slice(log.indexOf('start 0'), log.indexOf('end 0'));
    expect(during).toEqual(['start 0', 'get 2', 'get 3', 'get 4', 'get 5']);
    expect(log.filter((entry) => entry.startsWith('get'))).toHaveLength(8);
  });

  it('with prefetch 0 builds each batch only when asked', async () => {
    const log: string[] = [];
    const loader = new DataLoader(
      {
        length: 4,
        getItem: (i: number) => {
          log.push(`get ${i}`);
          return i;
        },
      },
      { batchSize: 2, prefetch: 0, collate: (s) => s },
    );
    for await (const batch of loader) {
      log.push(`start ${batch[0]}`);
      await delay(2);
    }
    expect(log).toEqual(['get 0', 'get 1', 'start 0', 'get 2', 'get 3', 'start 2']);
  });

  it('raises a sample error at its batch, after yielding the batches before it', async () => {
    const loader = new DataLoader(
      {
        length: 6,
        getItem: (i: number) => {
          if (i === 4) throw new Error('bad sample 4');
          return i;
        },
      },
      { batchSize: 2 },
    );
    const seen: number[][] = [];
    await expect(
      (async () => {
        for await (const batch of loader) seen.push(values(batch));
      })(),
    ).rejects.toThrow('bad sample 4');
    expect(seen).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('stops preparing when the loop is left early', async () => {
    let calls = 0;
    const loader = new DataLoader(
      {
        length: 100,
        getItem: (i: number) => {
          calls++;
          return i;
        },
      },
      { batchSize: 1, prefetch: 3, collate: (s) => s },
    );
    for await (const batch of loader) if (batch[0] === 1) break;
    await delay(10);
    expect(calls).toBeLessThanOrEqual(2 + 3 + 1);
  });
});
