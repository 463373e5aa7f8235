import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './__fixtures__/checkpoint-support.js';
import { syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { firstSamples, loadSplit } from './data.js';
import { parseOptions } from './options.js';
import { cifar10Normalization } from './transforms.js';

const workspace = syntheticWorkspace(['test']);
beforeAll(useCpuBackend);

const split = async (...flags: string[]) =>
  loadSplit(parseOptions(['--data', workspace.data, '--limit', '8', ...flags]), 'test', true);
const pixels = (dataset: Awaited<ReturnType<typeof split>>['dataset'], index: number) =>
  Array.from(dataset.getItem(index)[0].dataSync());

/** Where `image` (3×32×32) sits in the original padded by 4 with zeros, possibly mirrored: [top, left, flipped], or none. */
function findCrop(original: number[], image: number[]): [number, number, boolean] | undefined {
  const padded = (channel: number, row: number, column: number) =>
    row < 4 || row >= 36 || column < 4 || column >= 36 ? 0 : original[channel * 1024 + (row - 4) * 32 + (column - 4)]!;
  for (let top = 0; top <= 8; top++)
    for (let left = 0; left <= 8; left++)
      for (const flipped of [false, true]) {
        const matches = image.every((value, index) => {
          const [channel, row, column] = [Math.floor(index / 1024), Math.floor(index / 32) % 32, index % 32];
          return value === padded(channel, top + row, left + (flipped ? 31 - column : column));
        });
        if (matches) return [top, left, flipped];
      }
  return undefined;
}

describe('--augment: RandomCrop(32, padding 4) and RandomHorizontalFlip, seeded per sample and epoch', () => {
  it('each training image is a 32×32 crop of the zero-padded original, some mirrored', async () => {
    const { dataset: plain } = await split();
    const { dataset: augmented, augmentation } = await split('--augment', '--seed', '0');
    expect(augmentation).toBeDefined();
    const crops = Array.from({ length: 8 }, (_, index) => findCrop(pixels(plain, index), pixels(augmented, index)));
    for (const crop of crops) expect(crop).toBeDefined();
    // 81 positions and a coin flip each: eight samples do not all land on the centre unflipped.
    expect(crops.some((crop) => crop!.join() !== '4,4,false')).toBe(true);
  });

  it('a sample is augmented the same way whatever was read before it (prefetch, resume), and differently next epoch', async () => {
    const { dataset, augmentation } = await split('--augment', '--seed', '3');
    const inOrder = Array.from({ length: 8 }, (_, index) => pixels(dataset, index));
    expect(pixels(dataset, 5)).toEqual(inOrder[5]); // read alone, after the others
    augmentation!.epoch = 2;
    const nextEpoch = Array.from({ length: 8 }, (_, index) => pixels(dataset, index));
    expect(nextEpoch.some((image, index) => image.join() !== inOrder[index]!.join())).toBe(true);
    augmentation!.epoch = 1;
    expect(pixels(dataset, 2)).toEqual(inOrder[2]);
    const { dataset: otherSeed } = await split('--augment', '--seed', '4');
    expect(inOrder.some((image, index) => image.join() !== pixels(otherSeed, index).join())).toBe(true);
  });

  it('only the training split is augmented', async () => {
    const options = parseOptions(['--data', workspace.data, '--limit', '2', '--augment']);
    const { augmentation } = await loadSplit(options, 'test', false);
    expect(augmentation).toBeUndefined();
  });
});

describe("--normalize: CIFAR-10's mean and std per channel", () => {
  it('every image becomes (x - mean[c]) / std[c] in float32', async () => {
    const { dataset: plain } = await split();
    const { dataset: normalized } = await split('--normalize');
    const original = pixels(plain, 0);
    const { mean, std } = cifar10Normalization;
    const expected = original.map((value, index) => {
      const channel = Math.floor(index / 1024);
      return Math.fround(Math.fround(value - Math.fround(mean[channel]!)) / Math.fround(std[channel]!));
    });
    expect(pixels(normalized, 0)).toEqual(expected);
  });

  it("TensorBoard's sample grid shows the images as they were, before normalisation", async () => {
    const { dataset: plain } = await split();
    const { dataset: normalized } = await split('--normalize');
    const shown = await firstSamples(normalized, 4, cifar10Normalization);
    const original = (await firstSamples(plain, 4)).display.images.data;
    expect(shown.display.images.shape).toEqual([4, 3, 32, 32]);
    for (const [index, value] of original.entries())
      expect(Math.abs(shown.display.images.data[index]! - value)).toBeLessThan(1e-6);
    expect(shown.display.labels).toHaveLength(4);
  });
});
