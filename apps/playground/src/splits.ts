import { type CIFAR10Batch, CIFAR10Dataset, type Dataset, type RawImage } from '@lantern/data';

/** A contiguous slice of a dataset, as torch.utils.data.Subset over a range. */
export function slice<Sample>(dataset: Dataset<Sample>, start: number, length: number): Dataset<Sample> {
  return { length, getItem: (index: number) => dataset.getItem(start + index) };
}

/** Images held out of the training files for testing when no test batch is given. */
export const heldOutImages = 1_000;

export interface Splits {
  train: Dataset<[RawImage, number]>;
  test: Dataset<[RawImage, number]>;
  files: string[];
  note?: string;
}

/**
 * Sorts batches by name the way the official archive names them: `test_batch*.bin` is the test split and every other
 * batch is training data (data_batch_1..5.bin, or any batch file a person renamed). With only one kind given, the
 * last 1,000 images of those batches are held out for testing and the page says so.
 */
export function splitBatches(batches: readonly CIFAR10Batch[]): Splits {
  const isTest = (batch: CIFAR10Batch) => /^test_batch/i.test(batch.name);
  const byName = (a: CIFAR10Batch, b: CIFAR10Batch) => a.name.localeCompare(b.name, 'en', { numeric: true });
  const trainBatches = batches.filter((batch) => !isTest(batch)).sort(byName);
  const testBatches = batches.filter(isTest).sort(byName);
  const files = [...trainBatches, ...testBatches].map((batch) => batch.name);
  if (trainBatches.length > 0 && testBatches.length > 0) {
    return { train: new CIFAR10Dataset(trainBatches), test: new CIFAR10Dataset(testBatches), files };
  }
  const all = new CIFAR10Dataset(trainBatches.length > 0 ? trainBatches : testBatches);
  const trainLength = all.length - heldOutImages;
  return {
    train: slice(all, 0, trainLength),
    test: slice(all, trainLength, heldOutImages),
    files,
    note:
      trainBatches.length > 0
        ? `No test_batch.bin given: the last ${heldOutImages.toLocaleString('en')} training images are held out for testing.`
        : `Only test_batch.bin given: training on its first ${trainLength.toLocaleString('en')} images, testing on the last ${heldOutImages.toLocaleString('en')}.`,
  };
}

/** An HWC RGB image as RGBA pixels, ready for an ImageData on the page. */
export function toRgba(image: RawImage): Uint8ClampedArray {
  const pixels = image.height * image.width;
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let pixel = 0; pixel < pixels; pixel++) {
    rgba[pixel * 4] = image.data[pixel * 3]!;
    rgba[pixel * 4 + 1] = image.data[pixel * 3 + 1]!;
    rgba[pixel * 4 + 2] = image.data[pixel * 3 + 2]!;
    rgba[pixel * 4 + 3] = 255;
  }
  return rgba;
}
