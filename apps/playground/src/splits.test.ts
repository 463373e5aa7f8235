import { RawImage } from '@lantern/data';
import { syntheticCIFAR10Batch } from '@lantern/data/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitBatches, toRgba } from './splits.js';

describe('splitBatches', () => {
  let bytes: Uint8Array;
  beforeAll(() => {
    bytes = syntheticCIFAR10Batch(0, 0);
  });

  it('uses test_batch for testing and every other batch, in numeric order, for training', () => {
    const splits = splitBatches([
      { name: 'test_batch.bin', bytes },
      { name: 'data_batch_10.bin', bytes },
      { name: 'data_batch_2.bin', bytes },
    ]);
    expect(splits.files).toEqual(['data_batch_2.bin', 'data_batch_10.bin', 'test_batch.bin']);
    expect([splits.train.length, splits.test.length, splits.note]).toEqual([20_000, 10_000, undefined]);
  });

  it('holds the last 1,000 images out for testing when only one kind of batch is given', () => {
    const onlyTrain = splitBatches([{ name: 'data_batch_1.bin', bytes }]);
    expect([onlyTrain.train.length, onlyTrain.test.length]).toEqual([9_000, 1_000]);
    expect(onlyTrain.note).toMatch(/No test_batch\.bin given/);
    expect(onlyTrain.test.getItem(0)[1]).toBe(bytes[9_000 * 3073]);
    expect(onlyTrain.train.getItem(8_999)[1]).toBe(bytes[8_999 * 3073]);
    expect(splitBatches([{ name: 'test_batch.bin', bytes }]).note).toMatch(
      /Only test_batch\.bin given: training on its first 9,000/,
    );
  });
});

it('toRgba spreads HWC RGB into opaque RGBA', () => {
  const image = new RawImage(new Uint8Array([1, 2, 3, 4, 5, 6]), 1, 2, 3);
  expect([...toRgba(image)]).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
});
