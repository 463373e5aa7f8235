import '@lantern/backend-cpu';
import { Generator, type Tensor } from '@lantern/tensor';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataLoader } from '../dataloader.js';
import type { RawImage } from '../image.js';
import { Compose, Normalize, ToTensor } from '../transforms/basic.js';
import { RandomCrop, RandomHorizontalFlip } from '../transforms/random.js';
import { CIFAR10 } from './cifar10.js';

// The real CIFAR-10 files live beside the checkout, in ../shared/datasets (relative to the repository root). Only
// this test reads them; the package itself never needs them. Under CI their absence is a failure, not a skip.
function repositoryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'pnpm-workspace.yaml'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('cifar10-real.test: no pnpm-workspace.yaml above this file');
    folder = parent;
  }
  return folder;
}

const datasets = join(repositoryRoot(), '..', 'shared', 'datasets');
const folder = join(datasets, 'cifar-10-batches-bin');
const available = existsSync(folder);
const required = Boolean(process.env.CI);

const requireFolder = () => expect(available, `${folder} is missing: CI must provide the real CIFAR-10 binary batches there`).toBe(true);

describe.skipIf(!available && !required)(`real CIFAR-10 in ${folder}`, () => {
  it('the folder is there (required under CI)', requireFolder);

  it('test split: 10,000 images; labels and pixels agree with the lossless first 1000 (SOURCE.md)', async () => {
    requireFolder(); // before anything else: download: true must not create folders when the data is missing
    // download: true with an unreachable URL proves valid files are detected and nothing is fetched (or written).
    const test = await CIFAR10({ root: datasets, train: false, download: true, url: 'http://127.0.0.1:9/unreachable.tar.gz' });
    expect(test.length).toBe(10_000);
    const exact = await readFile(join(folder, 'test_batch_first1000_exact.bin'));
    let absoluteError = 0;
    let firstImageError = 0;
    for (let record = 0; record < 1000; record++) {
      const [image, label] = test.getItem(record);
      expect(label).toBe(exact[record * 3073]);
      for (let channel = 0; channel < 3; channel++) {
        for (let pixel = 0; pixel < 1024; pixel++) {
          const difference = Math.abs(image.data[pixel * 3 + channel]! - exact[record * 3073 + 1 + channel * 1024 + pixel]!);
          absoluteError += difference;
          if (record === 0) firstImageError += difference;
        }
      }
    }
    expect(test.getItem(0)[1]).toBe(3); // the first official test image is a cat
    // test_batch.bin went through JPEG: SOURCE.md gives a mean absolute error of about 5.8/255 on these 1000. A channel
    // or layout mix-up would be tens of levels off.
    expect(absoluteError / (1000 * 3072)).toBeGreaterThan(5);
    expect(absoluteError / (1000 * 3072)).toBeLessThan(6.5);
    expect(firstImageError / 3072).toBeLessThan(10);

    const transform = Compose<RawImage, Tensor>([
      RandomCrop(32, { padding: 4, generator: new Generator().manualSeed(0) }), RandomHorizontalFlip(0.5, { generator: new Generator().manualSeed(1) }),
      ToTensor(), Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]),
    ]);
    const loader = new DataLoader(await CIFAR10({ root: datasets, train: false, transform }), { batchSize: 250, shuffle: true, generator: new Generator().manualSeed(0) });
    let batches = 0;
    for await (const [images, labels] of loader) {
      expect([images.shape, images.dtype, labels.shape, labels.dtype]).toEqual([[250, 3, 32, 32], 'float32', [250], 'int32']);
      if (++batches === 3) break;
    }
  }, 30_000);

  it('train split: 50,000 images, first a frog, channel means equal the official training-set means', async () => {
    requireFolder();
    const train = await CIFAR10({ root: datasets, train: true });
    expect(train.length).toBe(50_000);
    expect(train.getItem(0)[1]).toBe(6);
    const sums = [0, 0, 0], squares = [0, 0, 0];
    for (let index = 0; index < train.length; index++) {
      const { data } = train.image(index);
      for (let i = 0; i < data.length; i++) { sums[i % 3]! += data[i]!; squares[i % 3]! += data[i]! * data[i]!; }
    }
    const count = 50_000 * 1024;
    const means = sums.map((sum) => sum / count / 255);
    const stds = squares.map((square, c) => Math.sqrt(square / count / 255 ** 2 - means[c]! ** 2));
    // The well-known CIFAR-10 training statistics (population std), which SOURCE.md says these files reproduce.
    [0.49139968, 0.48215841, 0.44653091].forEach((mean, c) => expect(means[c]).toBeCloseTo(mean, 7));
    [0.24703223, 0.24348513, 0.26158784].forEach((std, c) => expect(stds[c]).toBeCloseTo(std, 6));
  }, 30_000);
});
