import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cifar10Classes } from '../datasets/cifar10.js';
import { DataError } from '../errors.js';
import { CIFAR10 } from './cifar10.js';
import { syntheticCIFAR10Batch, writeSyntheticCIFAR10 } from './synthetic-cifar10.js';

let workspace: string;
let written: Awaited<ReturnType<typeof writeSyntheticCIFAR10>>;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'lantern-synthetic-cifar-'));
  written = await writeSyntheticCIFAR10(join(workspace, 'full'), { seed: 7 });
}, 60_000);

afterAll(() => rm(workspace, { recursive: true, force: true }));

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const batchNames = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
  'test_batch.bin',
];

describe('writeSyntheticCIFAR10', () => {
  it('writes the official layout, which CIFAR10() loads and download: true accepts as complete', async () => {
    expect(written.folder).toBe(join(workspace, 'full', 'cifar-10-batches-bin'));
    expect(written.files).toEqual([...batchNames, 'batches.meta.txt']);
    expect((await readdir(written.folder)).sort()).toEqual(['batches.meta.txt', ...batchNames]);
    for (const file of batchNames) expect((await stat(join(written.folder, file))).size).toBe(30_730_000);
    expect((await readFile(join(written.folder, 'batches.meta.txt'), 'utf8')).trim().split('\n')).toEqual([...cifar10Classes]);
    // An unreachable URL: the dataset must be recognised as complete, so nothing is fetched.
    const test = await CIFAR10({
      root: join(workspace, 'full'),
      train: false,
      download: true,
      url: 'http://127.0.0.1:9/unreachable.tar.gz',
    });
    const train = await CIFAR10({ root: join(workspace, 'full'), train: true });
    expect([test.length, train.length]).toEqual([10_000, 50_000]);
    expect(test.image(0).shape).toEqual([32, 32, 3]);
  }, 30_000);

  it('depends only on the seed: the same seed gives the same bytes, another seed and another batch differ', async () => {
    const testBatch = await readFile(join(written.folder, 'test_batch.bin'));
    expect(sha256(syntheticCIFAR10Batch(7, 5))).toBe(sha256(testBatch));
    expect(sha256(syntheticCIFAR10Batch(8, 5))).not.toBe(sha256(testBatch));
    expect(sha256(await readFile(join(written.folder, 'data_batch_1.bin')))).not.toBe(sha256(testBatch));
  }, 30_000);

  it('draws all ten labels about equally often', async () => {
    const test = await CIFAR10({ root: join(workspace, 'full'), train: false });
    const counts = new Array<number>(10).fill(0);
    for (const label of test.targets) counts[label]!++;
    for (const count of counts) expect(count / test.length).toBeGreaterThan(0.08);
    for (const count of counts) expect(count / test.length).toBeLessThan(0.12);
  });

  it('is learnable but not trivial: class means from train classify test images; images of a class differ', async () => {
    const root = join(workspace, 'full');
    const [train, test] = await Promise.all([CIFAR10({ root, train: true }), CIFAR10({ root, train: false })]);
    const means = Array.from({ length: 10 }, () => new Float64Array(3072));
    const counts = new Array<number>(10).fill(0);
    for (let index = 0; index < 2000; index++) {
      const [image, label] = train.getItem(index);
      for (let i = 0; i < 3072; i++) means[label]![i]! += image.data[i]!;
      counts[label]!++;
    }
    for (const [label, mean] of means.entries()) for (let i = 0; i < 3072; i++) mean[i]! /= counts[label]!;
    const nearest = (data: Uint8Array) => {
      const distances = means.map((mean) => data.reduce((sum, value, i) => sum + (value - mean[i]!) ** 2, 0));
      return distances.indexOf(Math.min(...distances));
    };
    let correct = 0;
    for (let index = 0; index < 500; index++) if (nearest(test.image(index).data) === test.targets[index]) correct++;
    expect(correct / 500).toBeGreaterThan(0.95);

    // Noise and brightness: two images of the same class are tens of levels apart on average, not copies.
    const label = test.targets[0]!;
    const other = test.targets.findIndex((value, index) => index > 0 && value === label);
    const [first, second] = [test.image(0).data, test.image(other).data];
    const meanDifference = first.reduce((sum, value, i) => sum + Math.abs(value - second[i]!), 0) / first.length;
    expect(meanDifference).toBeGreaterThan(10);
  }, 30_000);

  it('writes only the splits asked for', async () => {
    const root = join(workspace, 'test-only');
    const { files } = await writeSyntheticCIFAR10(root, { splits: ['test'] });
    expect(files).toEqual(['test_batch.bin', 'batches.meta.txt']);
    expect((await readdir(join(root, 'cifar-10-batches-bin'))).sort()).toEqual(['batches.meta.txt', 'test_batch.bin']);
    await expect(CIFAR10({ root, train: false })).resolves.toHaveLength(10_000);
    await expect(CIFAR10({ root, train: true })).rejects.toThrow(/missing data_batch_1.bin/);
  });

  it('refuses a seed or split it cannot honour, naming it', async () => {
    await expect(writeSyntheticCIFAR10(join(workspace, 'bad'), { seed: -1 })).rejects.toThrow(
      /seed must be an integer in \[0, 2\^32\), got -1/,
    );
    await expect(writeSyntheticCIFAR10(join(workspace, 'bad'), { seed: 0.5 })).rejects.toBeInstanceOf(DataError);
    await expect(writeSyntheticCIFAR10(join(workspace, 'bad'), { splits: ['validation' as 'test'] })).rejects.toThrow(
      /splits must be 'train' and\/or 'test', got 'validation'/,
    );
    expect(() => syntheticCIFAR10Batch(0, 6)).toThrow(/batch must be an integer in 0..5, got 6/);
  });
});
