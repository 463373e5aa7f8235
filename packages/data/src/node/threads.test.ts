import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { Generator, type Tensor } from '@lantern/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../__fixtures__/bundle.js';
import { type SyntheticOptions, syntheticDataset } from '../__fixtures__/synthetic-dataset.js';
import { DataLoader } from '../dataloader.js';
import { DataLoaderError, WorkerError } from '../errors.js';
import { drawSeed } from '../sampler.js';
import { serveDataset, threadWorkers } from './threads.js';

await registerCpuBackend();

let workspace: string;
let script: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'lantern-workers-'));
  script = await bundleForNode(
    new URL('../__fixtures__/worker-dataset.ts', import.meta.url).pathname,
    join(workspace, 'worker.mjs'),
  );
}, 60_000);

afterAll(() => rm(workspace, { recursive: true, force: true }));

const values = (t: Tensor) => Array.from(t.dataSync());
const workers = (count: number, data: Partial<SyntheticOptions> & { failFactory?: boolean }) =>
  threadWorkers(script, { count, workerData: data });

async function collect(loader: DataLoader<ReturnType<ReturnType<typeof syntheticDataset>['getItem']>>) {
  const batches = [];
  for await (const batch of loader)
    batches.push({
      features: values(batch.features),
      shape: batch.features.shape,
      label: values(batch.label),
      workerId: values(batch.workerId),
      seed: batch.seed,
    });
  return batches;
}

describe('DataLoader with worker threads', () => {
  it('gives the batches the main thread gives, in order, with shuffling, and seeds workers as PyTorch does', async () => {
    const dataset = syntheticDataset({ length: 23 });
    const inProcess = await collect(
      new DataLoader(dataset, { batchSize: 4, shuffle: true, generator: new Generator().manualSeed(11) }),
    );
    const loader = new DataLoader(dataset, {
      batchSize: 4,
      shuffle: true,
      generator: new Generator().manualSeed(11),
      workers: workers(2, { length: 23 }),
    });
    try {
      const threaded = await collect(loader);
      expect(threaded.map(({ features, shape, label }) => ({ features, shape, label }))).toEqual(
        inProcess.map(({ features, shape, label }) => ({ features, shape, label })),
      );
      // Batch k goes to worker k % 2; each worker's seed is the epoch's base seed + its id.
      expect(threaded.map((batch) => batch.workerId[0])).toEqual(threaded.map((_, k) => k % 2));
      const baseSeed = drawSeed(new Generator().manualSeed(11));
      expect(threaded.map((batch) => batch.seed[0])).toEqual(threaded.map((_, k) => String(baseSeed + BigInt(k % 2))));
      // Workers persist across epochs; the second epoch still matches the in-process order.
      const secondInProcess = new DataLoader(dataset, { batchSize: 4, shuffle: true, generator: new Generator().manualSeed(11) });
      await collect(secondInProcess);
      expect((await collect(loader)).map((batch) => batch.label)).toEqual(
        (await collect(secondInProcess)).map((batch) => batch.label),
      );
    } finally {
      await loader.close();
    }
  }, 30_000);

  it('re-raises a sample error as a WorkerError at its batch', async () => {
    const loader = new DataLoader(syntheticDataset({ length: 10 }), {
      batchSize: 2,
      workers: workers(2, { length: 10, failAt: 5 }),
    });
    const labels: number[][] = [];
    try {
      const run = (async () => {
        for await (const batch of loader) labels.push(values(batch.label));
      })();
      await expect(run).rejects.toBeInstanceOf(WorkerError);
      await expect(run).rejects.toThrow('DataLoader worker 0 raised RangeError: sample 5 is unreadable');
      expect(labels).toEqual([
        [0, 1],
        [2, 3],
      ]);
    } finally {
      await loader.close();
    }
  }, 30_000);

  it('reports a dataset factory that throws, and a worker dataset of another length', async () => {
    const failing = new DataLoader(syntheticDataset({ length: 4 }), { workers: workers(1, { length: 4, failFactory: true }) });
    await expect(
      (async () => {
        for await (const _ of failing);
      })(),
    ).rejects.toThrow('DataLoader worker 0 raised Error: could not open the dataset');
    await failing.close();
    const mismatched = new DataLoader(syntheticDataset({ length: 4 }), { workers: workers(1, { length: 5 }) });
    await expect(
      (async () => {
        for await (const _ of mismatched);
      })(),
    ).rejects.toThrow("worker 0's dataset has 5 samples, the main thread's has 4");
    await mismatched.close();
  }, 30_000);

  it('refuses synchronous iteration and serveDataset outside a worker', () => {
    const loader = new DataLoader(syntheticDataset({ length: 4 }), { workers: workers(1, { length: 4 }) });
    expect(() => [...loader]).toThrow(DataLoaderError);
    expect(() => serveDataset(() => syntheticDataset({ length: 1 }))).toThrow(/call it from the script of a worker/);
  });
});
