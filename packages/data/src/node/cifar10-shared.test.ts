import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../__fixtures__/bundle.js';
import { writeCifarFolder } from '../__fixtures__/dataset-files.js';
import { DataLoader } from '../dataloader.js';
import { CIFAR10Dataset } from '../datasets/cifar10.js';
import { DatasetNotFoundError } from '../errors.js';
import { ToTensor } from '../transforms/basic.js';
import { readCIFAR10Batches } from './cifar10.js';
import { threadWorkers } from './threads.js';

await registerCpuBackend();

let workspace: string;
let script: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'lantern-cifar-shared-'));
  await writeCifarFolder(join(workspace, 'cifar-10-batches-bin'));
  script = await bundleForNode(
    new URL('../__fixtures__/cifar-worker.ts', import.meta.url).pathname,
    join(workspace, 'worker.mjs'),
  );
}, 60_000);

afterAll(() => rm(workspace, { recursive: true, force: true }));

describe('readCIFAR10Batches', () => {
  it('reads a split into plain or shared memory, and names the missing files', async () => {
    const plain = await readCIFAR10Batches(workspace, { train: false });
    const shared = await readCIFAR10Batches(workspace, { train: false, shared: true });
    expect(plain.map((batch) => batch.name)).toEqual([join(workspace, 'cifar-10-batches-bin', 'test_batch.bin')]);
    expect(plain[0]!.bytes.buffer).toBeInstanceOf(ArrayBuffer);
    expect(shared[0]!.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(shared[0]!.bytes).equals(Buffer.from(plain[0]!.bytes))).toBe(true);
    expect((await readCIFAR10Batches(workspace)).length).toBe(5);
    await expect(readCIFAR10Batches(join(workspace, 'nowhere'))).rejects.toBeInstanceOf(DatasetNotFoundError);
  });

  it('shared batches give worker threads the main thread memory, not copies', async () => {
    const batches = await readCIFAR10Batches(workspace, { train: false, shared: true });
    const dataset = new CIFAR10Dataset(batches, { transform: ToTensor() });
    const loader = new DataLoader(dataset, {
      batchSize: 2,
      workers: threadWorkers(script, { count: 2, workerData: { batches } }),
    });
    const firstPixels = async () => {
      const pixels: number[] = [];
      for await (const [images] of loader) {
        pixels.push(images.dataSync()[0]!);
        if (pixels.length === 2) break;
      }
      return pixels;
    };
    try {
      const before = await firstPixels();
      // Record 0's first red byte, and record 2's (the first sample of the second batch, served by the other worker).
      batches[0]!.bytes[1] = 255;
      batches[0]!.bytes[2 * 3073 + 1] = 255;
      const after = await firstPixels();
      expect(before).not.toEqual([1, 1]);
      expect(after).toEqual([1, 1]);
    } finally {
      await loader.close();
    }
  }, 30_000);
});
