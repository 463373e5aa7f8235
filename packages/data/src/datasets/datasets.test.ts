import { registerCpuBackend } from '@lantern/backend-cpu';
import { arange } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { cifarBatch, idxImages, idxLabels } from '../__fixtures__/dataset-files.js';
import { TensorDataset } from '../dataset.js';
import { CorruptDatasetError, DataLoaderError } from '../errors.js';
import { CIFAR10Dataset } from './cifar10.js';
import { FashionMNISTDataset } from './fashion-mnist.js';

await registerCpuBackend();

describe('CIFAR10Dataset (in memory, browser-safe)', () => {
  const bytes = cifarBatch(3);
  // Record 42: give each CHW plane a distinct pattern so the HWC interleaving is checked pixel by pixel.
  for (let pixel = 0; pixel < 1024; pixel++) {
    bytes[42 * 3073 + 1 + pixel] = pixel % 251;
    bytes[42 * 3073 + 1 + 1024 + pixel] = (pixel * 7) % 256;
    bytes[42 * 3073 + 1 + 2048 + pixel] = 255 - (pixel % 256);
  }
  const dataset = new CIFAR10Dataset([{ name: 'data_batch_4.bin', bytes }]);

  it('turns each CHW record into an HWC RawImage with its label', () => {
    const [image, label] = dataset.getItem(42);
    expect(label).toBe((42 + 3) % 10);
    for (const [row, column] of [
      [0, 0],
      [5, 17],
      [31, 31],
    ] as const) {
      const pixel = row * 32 + column;
      expect([0, 1, 2].map((channel) => image.pixel(row, column, channel))).toEqual([
        pixel % 251,
        (pixel * 7) % 256,
        255 - (pixel % 256),
      ]);
    }
    expect(dataset.targets.length).toBe(10_000);
    expect(dataset.classes[dataset.targets[0]!]).toBe('cat'); // label 3
  });

  it('applies transform and targetTransform, takes negative indices, rejects out-of-range ones', () => {
    const transformed = new CIFAR10Dataset([{ name: 'b', bytes }], {
      transform: (image) => image.height,
      targetTransform: (label) => `class ${label}`,
    });
    expect(transformed.getItem(-1)).toEqual([32, `class ${(9999 + 3) % 10}`]);
    expect(() => dataset.getItem(10_000)).toThrow(RangeError);
  });

  it('rejects a batch of the wrong size naming it', () => {
    expect(() => new CIFAR10Dataset([{ name: 'short.bin', bytes: new Uint8Array(3073) }])).toThrow(CorruptDatasetError);
  });
});

describe('FashionMNISTDataset and TensorDataset', () => {
  it('reads IDX bytes into 28x28x1 images', () => {
    const dataset = new FashionMNISTDataset(
      { name: 'images', bytes: idxImages(3) },
      { name: 'labels', bytes: idxLabels([4, 5, 6]) },
    );
    const [image, label] = dataset.getItem(2);
    expect([image.shape, image.pixel(0, 0), image.pixel(1, 1), label, dataset.classes[label]]).toEqual([
      [28, 28, 1],
      253,
      2,
      6,
      'Shirt',
    ]);
  });

  it('TensorDataset indexes every tensor along dim 0 and checks their sizes', () => {
    const dataset = new TensorDataset(arange(6).reshape(3, 2), arange(3));
    expect(dataset.getItem(1).map((t) => t.toArray())).toEqual([[2, 3], 1]);
    expect(() => new TensorDataset(arange(6).reshape(3, 2), arange(4))).toThrow(DataLoaderError);
  });
});
