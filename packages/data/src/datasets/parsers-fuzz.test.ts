import { registerCpuBackend } from '@lantern/backend-cpu';
import { type Mutation, mutations } from '@lantern/conformance/byte-mutations';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cifarBatch, idxImages, idxLabels } from '../__fixtures__/dataset-files.js';
import { CorruptDatasetError } from '../errors.js';
import { CIFAR10Dataset, cifar10Format } from './cifar10.js';
import { FashionMNISTDataset, parseIdx } from './fashion-mnist.js';

await registerCpuBackend();

// Property tests of the in-memory readers of the official formats (CIFAR-10's binary batches, Fashion-MNIST's IDX
// files): random bytes and damaged valid files give a dataset or a CorruptDatasetError naming the file, never another
// exception, and no allocation is sized by a header before the header is checked against the bytes there.

/** Runs `read`; a CorruptDatasetError must name `name`; anything else fails the property. */
function readOrCorrupt<Result>(name: string, read: () => Result): Result | CorruptDatasetError {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof CorruptDatasetError)) throw error;
    expect(error.file).toBe(name);
    expect(error.message).toContain(name);
    return error;
  }
}

describe('CIFAR-10 binary batches', () => {
  const valid = cifarBatch(2);
  const { recordBytes, batchBytes } = cifar10Format;

  it('random bytes of any length: a CorruptDatasetError naming the batch (300 runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4 * recordBytes }), (bytes) => {
        expect(readOrCorrupt('random.bin', () => new CIFAR10Dataset([{ name: 'random.bin', bytes }]))).toBeInstanceOf(
          CorruptDatasetError,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a valid batch cut short or lengthened, by a byte or by records: refused, naming it (100 runs)', () => {
    const lengths = fc.oneof(
      fc.integer({ min: 0, max: batchBytes - 1 }),
      fc.integer({ min: -3 * recordBytes, max: 3 * recordBytes }).map((delta) => batchBytes + delta),
    );
    fc.assert(
      fc.property(lengths, (length) => {
        const bytes =
          length <= batchBytes ? valid.subarray(0, length) : Buffer.concat([valid, Buffer.alloc(length - batchBytes)]);
        const result = readOrCorrupt('cut.bin', () => new CIFAR10Dataset([{ name: 'cut.bin', bytes }]));
        expect(result instanceof CorruptDatasetError).toBe(length !== batchBytes);
      }),
      { numRuns: 100 },
    );
  });

  it('bit flips anywhere in a valid batch: a dataset whose samples read, or a label error naming record and file (400 runs)', () => {
    const flips = fc.array(fc.tuple(fc.nat(batchBytes - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(flips, (positions) => {
        // Flipped in place and restored, so each run does not copy 30 MB.
        for (const [at, bit] of positions) valid[at]! ^= 1 << bit;
        try {
          const result = readOrCorrupt('flipped.bin', () => new CIFAR10Dataset([{ name: 'flipped.bin', bytes: valid }]));
          const badLabel = positions.some(([at]) => at % recordBytes === 0 && valid[at]! > 9);
          if (result instanceof CorruptDatasetError)
            expect(result.message).toMatch(/record \d+ has label byte \d+, expected 0\.\.9/);
          else for (const [at] of positions) expect(result.getItem(Math.floor(at / recordBytes))[0].shape).toEqual([32, 32, 3]);
          expect(result instanceof CorruptDatasetError).toBe(badLabel);
        } finally {
          for (const [at, bit] of positions) valid[at]! ^= 1 << bit;
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('Fashion-MNIST IDX files', () => {
  const images = idxImages(6);
  const labels = idxLabels([0, 1, 2, 3, 4, 9]);

  /** Parses both files into a dataset; on success every sample must read. */
  function load(imageBytes: Uint8Array, labelBytes: Uint8Array) {
    const dataset = new FashionMNISTDataset({ name: 'images.idx', bytes: imageBytes }, { name: 'labels.idx', bytes: labelBytes });
    for (let index = 0; index < dataset.length; index++) expect(dataset.getItem(index)[0].shape).toEqual([28, 28, 1]);
    return dataset;
  }
  const readPair = (imageBytes: Uint8Array, labelBytes: Uint8Array) => {
    try {
      return load(imageBytes, labelBytes);
    } catch (error) {
      if (!(error instanceof CorruptDatasetError)) throw error;
      expect(['images.idx', 'labels.idx']).toContain(error.file);
      return error;
    }
  };

  it('random bytes as either file: a CorruptDatasetError naming it (400 runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom('images', 'labels' as const), (bytes, kind) => {
        expect(readOrCorrupt(`${kind}.idx`, () => parseIdx({ name: `${kind}.idx`, bytes }, kind))).toBeInstanceOf(
          CorruptDatasetError,
        );
      }),
      { numRuns: 400 },
    );
  });

  it('damaged valid files, hostile dims included: a dataset or a CorruptDatasetError naming the file (1,500 runs)', () => {
    fc.assert(
      fc.property(mutations(16), fc.boolean(), (damage: Mutation, damageImages) => {
        if (damageImages) readPair(damage(images), labels);
        else readPair(images, damage(labels));
      }),
      { numRuns: 1500 },
    );
  });

  it('declared dims far beyond the bytes there: refused before anything is allocated for them (200 runs)', () => {
    const dim = fc.oneof(fc.nat(), fc.constantFrom(0xffffffff, 0x80000000, 2 ** 24, 28));
    fc.assert(
      fc.property(dim, dim, dim, (count, height, width) => {
        const header = Buffer.from(images);
        header.writeUInt32BE(count, 4);
        header.writeUInt32BE(height, 8);
        header.writeUInt32BE(width, 12);
        const result = readOrCorrupt('images.idx', () => parseIdx({ name: 'images.idx', bytes: header }, 'images'));
        const matches = count === 6 && height === 28 && width === 28;
        expect(result instanceof CorruptDatasetError).toBe(!matches);
      }),
      { numRuns: 200 },
    );
  });
});
