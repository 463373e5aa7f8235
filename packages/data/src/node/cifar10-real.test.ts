import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { Generator, type Tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { realCifar10, requireRealCifar10 } from '../__fixtures__/real-cifar10.js';
import { DataLoader } from '../dataloader.js';
import type { RawImage } from '../image.js';
import { Compose, Normalize, ToTensor } from '../transforms/basic.js';
import { RandomCrop, RandomHorizontalFlip } from '../transforms/random.js';
import { CIFAR10 } from './cifar10.js';

await registerCpuBackend();

// The real CIFAR-10, from the folder LANTERN_CIFAR10_ROOT names (see __fixtures__/real-cifar10.ts): only this test
// reads it; the package itself never needs it. Unset, these tests skip with the reason in their title, except under
// CI, where they fail naming the variable.
describe.skipIf(realCifar10.skip)(realCifar10.title, () => {
  it('LANTERN_CIFAR10_ROOT names a folder holding the six official batches (required under CI)', () => {
    expect(requireRealCifar10()).toBe(realCifar10.root);
  });

  it('test split: 10,000 images in the official order, 1000 a class, channel means equal the official test-set means', async () => {
    // Before anything else: download: true must not create folders when the data is missing.
    const datasets = requireRealCifar10();
    // download: true with an unreachable URL proves valid files are detected and nothing is fetched (or written).
    const test = await CIFAR10({ root: datasets, train: false, download: true, url: 'http://127.0.0.1:9/unreachable.tar.gz' });
    expect(test.length).toBe(10_000);
    expect(Array.from(test.targets.subarray(0, 10))).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1]); // cat, ship, ship, airplane, …
    const perClass = new Array<number>(10).fill(0);
    for (const label of test.targets) perClass[label]!++;
    expect(perClass).toEqual(new Array(10).fill(1000));
    const sums = [0, 0, 0];
    for (let index = 0; index < test.length; index++) {
      const { data } = test.image(index);
      for (let i = 0; i < data.length; i++) sums[i % 3]! += data[i]!;
    }
    // The well-known test-set means; a channel or layout mix-up moves them by 0.01 to 0.04. A copy rebuilt from JPEG
    // files (see the next test) keeps them to 3 decimals.
    for (const [c, mean] of [0.4942142, 0.4851314, 0.4504009].entries())
      expect(sums[c]! / (10_000 * 1024) / 255).toBeCloseTo(mean, 3);

    const transform = Compose<RawImage, Tensor>([
      RandomCrop(32, { padding: 4, generator: new Generator().manualSeed(0) }),
      RandomHorizontalFlip(0.5, { generator: new Generator().manualSeed(1) }),
      ToTensor(),
      Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]),
    ]);
    const loader = new DataLoader(await CIFAR10({ root: datasets, train: false, transform }), {
      batchSize: 250,
      shuffle: true,
      generator: new Generator().manualSeed(0),
    });
    let batches = 0;
    for await (const [images, labels] of loader) {
      expect([images.shape, images.dtype, labels.shape, labels.dtype]).toEqual([[250, 3, 32, 32], 'float32', [250], 'int32']);
      if (++batches === 3) break;
    }
  }, 30_000);

  // A copy whose test_batch.bin was rebuilt from JPEG files (pixels within JPEG error) carries the lossless first 1000
  // test records beside it as test_batch_first1000_exact.bin; the official test_batch.bin is exact and has no such file.
  const exactFile = realCifar10.root && join(realCifar10.root, 'cifar-10-batches-bin', 'test_batch_first1000_exact.bin');
  it.skipIf(!exactFile || !existsSync(exactFile))(
    'JPEG-rebuilt test split (only where test_batch_first1000_exact.bin is present): labels agree, pixels within JPEG error',
    async () => {
      const test = await CIFAR10({ root: requireRealCifar10(), train: false });
      const exact = await readFile(exactFile!);
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
      // JPEG at quality about 75 leaves a mean absolute error of about 5.8 levels on these 1000 images. A channel or
      // layout mix-up would be tens of levels off.
      expect(absoluteError / (1000 * 3072)).toBeGreaterThan(5);
      expect(absoluteError / (1000 * 3072)).toBeLessThan(6.5);
      expect(firstImageError / 3072).toBeLessThan(10);
    },
    30_000,
  );

  it('train split: 50,000 images, first a frog, channel means equal the official training-set means', async () => {
    const datasets = requireRealCifar10();
    const train = await CIFAR10({ root: datasets, train: true });
    expect(train.length).toBe(50_000);
    expect(train.getItem(0)[1]).toBe(6);
    const sums = [0, 0, 0],
      squares = [0, 0, 0];
    for (let index = 0; index < train.length; index++) {
      const { data } = train.image(index);
      for (let i = 0; i < data.length; i++) {
        sums[i % 3]! += data[i]!;
        squares[i % 3]! += data[i]! * data[i]!;
      }
    }
    const count = 50_000 * 1024;
    const means = sums.map((sum) => sum / count / 255);
    const stds = squares.map((square, c) => Math.sqrt(square / count / 255 ** 2 - means[c]! ** 2));
    // The well-known CIFAR-10 training statistics (population std): exact training pixels reproduce them to 7 digits.
    for (const [c, mean] of [0.49139968, 0.48215841, 0.44653091].entries()) expect(means[c]).toBeCloseTo(mean, 7);
    for (const [c, std] of [0.24703223, 0.24348513, 0.26158784].entries()) expect(stds[c]).toBeCloseTo(std, 6);
  }, 30_000);
});
