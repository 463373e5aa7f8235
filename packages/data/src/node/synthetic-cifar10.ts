import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cifar10Classes, cifar10Format } from '../datasets/cifar10.js';
import { DataError } from '../errors.js';

export type CIFAR10Split = 'train' | 'test';

export interface SyntheticCIFAR10Options {
  /** Seed of the labels, brightness and noise, an integer in [0, 2^32) (default 0). The same seed writes the same bytes. */
  seed?: number;
  /** The splits to write (default both): `train` is data_batch_1..5.bin, `test` is test_batch.bin. */
  splits?: readonly CIFAR10Split[];
}

export interface SyntheticCIFAR10Files {
  /** `root/cifar-10-batches-bin`. */
  folder: string;
  /** The files written, in that folder: the batches, then batches.meta.txt. */
  files: string[];
}

// Each class is a tint (signs of red, green, blue) and a stripe wave (integer frequencies across x and y). Waves with
// different frequency pairs are orthogonal over the 32×32 grid, so even a linear model separates the classes: a
// model that learns anything at all shows it as a falling loss. The levels are modest on purpose: the course's
// recipe (no activations, batch 1, lr 0.01) learns 200 of these images in three epochs, while stronger patterns
// (tint 40, stripes 56) made its loss climb again by the third epoch, as it does on real CIFAR-10 after a few.
const classPatterns: ReadonlyArray<{ tint: readonly [number, number, number]; wave: readonly [number, number] }> = [
  { tint: [1, -1, -1], wave: [1, 0] }, // 0 airplane: red, vertical stripes
  { tint: [-1, 1, -1], wave: [0, 1] }, // 1 automobile: green, horizontal stripes
  { tint: [-1, -1, 1], wave: [1, 1] }, // 2 bird: blue, diagonal
  { tint: [1, 1, -1], wave: [1, -1] }, // 3 cat: yellow, the other diagonal
  { tint: [1, -1, 1], wave: [2, 0] }, // 4 deer: magenta
  { tint: [-1, 1, 1], wave: [0, 2] }, // 5 dog: cyan
  { tint: [1, 1, 1], wave: [2, 1] }, // 6 frog: light
  { tint: [-1, -1, -1], wave: [1, 2] }, // 7 horse: dark
  { tint: [1, 0, -1], wave: [2, 2] }, // 8 ship: orange
  { tint: [0, -1, 1], wave: [3, 1] }, // 9 truck: violet
];
/** Levels (of 255) around mid-grey 128: the class tint, the stripes' amplitude, a per-image shift, per-pixel noise. */
const tintLevel = 24;
const waveAmplitude = 28;
const brightnessRange = 32; // uniform in ±16
const noiseRange = 64; // uniform in ±32

/** The noise-free image of class `label`, in the record's plane order (1024 red, 1024 green, 1024 blue bytes). */
function classTemplate(label: number): Float32Array {
  const template = new Float32Array(3072);
  const { tint: tintSigns, wave } = classPatterns[label]!;
  const [frequencyX, frequencyY] = wave;
  for (let channel = 0; channel < 3; channel++) {
    const tint = tintSigns[channel]!;
    // The wave's sign follows the tint, so a class's stripes also alternate in its own colours.
    const sign = tint === 0 ? 1 : tint;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const wave = Math.cos((2 * Math.PI * (frequencyX * x + frequencyY * y)) / 32);
        template[channel * 1024 + y * 32 + x] = 128 + tintLevel * tint + waveAmplitude * sign * wave;
      }
    }
  }
  return template;
}

/** mulberry32: a small, fast 32-bit generator; the bytes it seeds are part of the output, so it must never change. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (value ^ (value >>> 14)) >>> 0;
  };
}

/** Which batch of the official six (0..4 train, 5 test) a file is; seeds differ per batch so no two batches repeat. */
const batchFiles = [...cifar10Format.trainFiles, ...cifar10Format.testFiles];

/**
 * One synthetic batch in the official binary format: 10,000 records of 1 label byte and 3,072 pixel bytes. Labels are
 * drawn uniformly; each image is its class's template (see writeSyntheticCIFAR10) plus a per-image brightness shift
 * and per-pixel noise, clamped to 0..255. `batch` is the file's position in data_batch_1..5, test_batch (0..5).
 */
export function syntheticCIFAR10Batch(seed: number, batch: number): Uint8Array {
  checkSeed(seed);
  if (!Number.isInteger(batch) || batch < 0 || batch >= batchFiles.length) {
    throw new DataError(`syntheticCIFAR10Batch: batch must be an integer in 0..${batchFiles.length - 1}, got ${batch}`);
  }
  const templates = cifar10Classes.map((_, label) => classTemplate(label));
  const random = mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + batch * 0x27d4eb2d);
  const { recordBytes, recordsPerBatch, batchBytes } = cifar10Format;
  const bytes = new Uint8Array(batchBytes);
  // A clamped view rounds and clamps each pixel on store, as saving a float image to 8 bits would.
  const pixels = new Uint8ClampedArray(bytes.buffer);
  for (let record = 0; record < recordsPerBatch; record++) {
    const start = record * recordBytes;
    const label = random() % 10;
    const template = templates[label]!;
    const brightness = (random() / 0x1_0000_0000 - 0.5) * brightnessRange;
    bytes[start] = label;
    // One 32-bit draw gives four pixels' noise, one byte each.
    for (let pixel = 0; pixel < 3072; pixel += 4) {
      const draw = random();
      for (let lane = 0; lane < 4; lane++) {
        const noise = (((draw >>> (lane * 8)) & 0xff) / 255 - 0.5) * noiseRange;
        pixels[start + 1 + pixel + lane] = template[pixel + lane]! + brightness + noise;
      }
    }
  }
  return bytes;
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new DataError(`synthetic CIFAR-10: seed must be an integer in [0, 2^32), got ${seed}`);
  }
}

/**
 * Writes a synthetic CIFAR-10 in the official binary layout, `root/cifar-10-batches-bin/{data_batch_1..5,test_batch}.bin`
 * (10,000 records each, the sizes CIFAR10() checks) and `batches.meta.txt`, so that code reading CIFAR-10 can be tested
 * with no download and no copy of the real data. The images are learnable: each class has its own colour tint and its
 * own stripe direction and frequency, under a random brightness shift and ±32 levels of noise per pixel, so a model
 * that trains shows a falling loss and an accuracy far above chance. The output depends only on `seed`.
 * @example
 * await writeSyntheticCIFAR10('/tmp/cifar', { seed: 0 });
 * const test = await CIFAR10({ root: '/tmp/cifar', train: false, transform: ToTensor() }); // 10,000 samples
 */
export async function writeSyntheticCIFAR10(root: string, options: SyntheticCIFAR10Options = {}): Promise<SyntheticCIFAR10Files> {
  const seed = options.seed ?? 0;
  checkSeed(seed);
  const splits = options.splits ?? ['train', 'test'];
  for (const split of splits) {
    if (split !== 'train' && split !== 'test') {
      throw new DataError(`writeSyntheticCIFAR10: splits must be 'train' and/or 'test', got '${String(split)}'`);
    }
  }
  const folder = join(resolve(root), cifar10Format.folder);
  await mkdir(folder, { recursive: true });
  const files: string[] = [];
  for (const [batch, file] of batchFiles.entries()) {
    const split: CIFAR10Split = batch < cifar10Format.trainFiles.length ? 'train' : 'test';
    if (!splits.includes(split)) continue;
    await writeFile(join(folder, file), syntheticCIFAR10Batch(seed, batch));
    files.push(file);
  }
  // The official archive carries the class names, one a line; readers that show names look here.
  await writeFile(join(folder, 'batches.meta.txt'), `${cifar10Classes.join('\n')}\n`);
  files.push('batches.meta.txt');
  return { folder, files };
}
