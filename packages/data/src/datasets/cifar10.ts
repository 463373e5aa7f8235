import { type Dataset, resolveIndex } from '../dataset.js';
import { CorruptDatasetError } from '../errors.js';
import { RawImage } from '../image.js';
import type { Transform } from '../transforms/basic.js';

/** Class names by label, from the official batches.meta.txt. */
export const cifar10Classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/** The official binary format: each record is 1 label byte, then 1024 red, 1024 green, 1024 blue bytes, row-major. */
export const cifar10Format = {
  recordBytes: 3073,
  recordsPerBatch: 10_000,
  batchBytes: 30_730_000,
  folder: 'cifar-10-batches-bin',
  trainFiles: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  testFiles: ['test_batch.bin'],
} as const;

export interface CIFAR10Batch {
  /** Where the bytes came from (a path or file name), used in error messages. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface DatasetTransforms<ImageOutput, TargetOutput> {
  /** Applied to each RawImage (uint8, HWC), as torchvision's `transform` is to its PIL image. */
  transform?: Transform<RawImage, ImageOutput>;
  /** Applied to each integer label. */
  targetTransform?: Transform<number, TargetOutput>;
}

/**
 * Checks one batch file against the official format: exactly 10,000 records of 3,073 bytes, labels 0..9. Throws a
 * CorruptDatasetError naming the file and the first problem found.
 */
export function validateCifar10Batch(batch: CIFAR10Batch): void {
  const { recordBytes, recordsPerBatch } = cifar10Format;
  checkCifar10BatchLength(batch.name, batch.bytes.length);
  for (let record = 0; record < recordsPerBatch; record++) {
    const label = batch.bytes[record * recordBytes]!;
    if (label > 9) {
      throw new CorruptDatasetError('CIFAR10', batch.name, `record ${record} has label byte ${label}, expected 0..9`);
    }
  }
}

/** A batch file must be exactly 30,730,000 bytes: checked on the file's size before its bytes are read. */
export function checkCifar10BatchLength(name: string, length: number): void {
  const { recordBytes, recordsPerBatch, batchBytes } = cifar10Format;
  if (length !== batchBytes) {
    throw new CorruptDatasetError(
      'CIFAR10',
      name,
      `is ${length} bytes, expected ${batchBytes} (${recordsPerBatch} records of ${recordBytes} bytes)`,
    );
  }
}

/**
 * CIFAR-10 held in memory, from official binary batches; the environment-free part of `CIFAR10()` in
 * '@lantern/data/node' (in a browser, fetch the .bin files and pass their bytes here). Samples are
 * `[transform(image), targetTransform(label)]`, the image a 32×32×3 RawImage unless a transform changes it.
 * @example
 * const test = new CIFAR10Dataset([{ name: 'test_batch.bin', bytes }], { transform: ToTensor() });
 * const [image, label] = test.getItem(0); // image: float32 [3, 32, 32], label: 3 (cat)
 */
export class CIFAR10Dataset<ImageOutput = RawImage, TargetOutput = number> implements Dataset<[ImageOutput, TargetOutput]> {
  readonly classes = cifar10Classes;
  /** Every label, in dataset order (torchvision's `targets`). */
  readonly targets: Uint8Array;
  private readonly batches: readonly Uint8Array[];
  private readonly transform: Transform<RawImage, ImageOutput> | undefined;
  private readonly targetTransform: Transform<number, TargetOutput> | undefined;

  constructor(batches: readonly CIFAR10Batch[], options: DatasetTransforms<ImageOutput, TargetOutput> = {}) {
    batches.forEach(validateCifar10Batch);
    this.batches = batches.map((batch) => batch.bytes);
    this.transform = options.transform;
    this.targetTransform = options.targetTransform;
    const { recordBytes, recordsPerBatch } = cifar10Format;
    this.targets = new Uint8Array(batches.length * recordsPerBatch);
    this.batches.forEach((bytes, b) => {
      for (let record = 0; record < recordsPerBatch; record++)
        this.targets[b * recordsPerBatch + record] = bytes[record * recordBytes]!;
    });
  }

  get length(): number {
    return this.targets.length;
  }

  /** The untransformed image at `index`: the record's CHW planes interleaved into HWC. */
  image(index: number): RawImage {
    const resolved = resolveIndex('CIFAR10', index, this.length);
    const { recordBytes, recordsPerBatch } = cifar10Format;
    const bytes = this.batches[Math.floor(resolved / recordsPerBatch)]!;
    const start = (resolved % recordsPerBatch) * recordBytes + 1;
    const pixels = new Uint8Array(3072);
    for (let pixel = 0; pixel < 1024; pixel++) {
      pixels[pixel * 3] = bytes[start + pixel]!;
      pixels[pixel * 3 + 1] = bytes[start + 1024 + pixel]!;
      pixels[pixel * 3 + 2] = bytes[start + 2048 + pixel]!;
    }
    return new RawImage(pixels, 32, 32, 3);
  }

  getItem(index: number): [ImageOutput, TargetOutput] {
    const image = this.image(index);
    const label = this.targets[resolveIndex('CIFAR10', index, this.length)]!;
    return [
      this.transform ? this.transform(image) : (image as unknown as ImageOutput),
      this.targetTransform ? this.targetTransform(label) : (label as unknown as TargetOutput),
    ];
  }
}
