import { mkdir, open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type CIFAR10Batch,
  CIFAR10Dataset,
  checkCifar10BatchLength,
  cifar10Format,
  type DatasetTransforms,
  validateCifar10Batch,
} from '../datasets/cifar10.js';
import { CorruptDatasetError, DatasetNotFoundError } from '../errors.js';
import type { RawImage } from '../image.js';
import { type DownloadOptions, downloadFile, fileMd5 } from './download.js';
import { extractTarGz } from './extract.js';
import { entryAt, exists, removeAbandoned, removeQuietly, replaceFolder, sizeOf, stagingFolder } from './files.js';

export const cifar10Download = {
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
  archive: 'cifar-10-binary.tar.gz',
} as const;

export interface CIFAR10Options<ImageOutput, TargetOutput> extends DatasetTransforms<ImageOutput, TargetOutput> {
  /** The folder that holds (or will hold) `cifar-10-batches-bin/`, as torchvision's `root`. */
  root: string;
  /** The 50,000 training images (default) or the 10,000 test images. */
  train?: boolean;
  /** Fetch and extract the official archive unless valid batches are already there. */
  download?: boolean;
  /** Where to download from (default: the official URL); tests point it at a local server. */
  url?: string;
  /** The archive's expected MD5 (default: the published one). */
  md5?: string;
  progress?: DownloadOptions['progress'];
}

const allFiles = [...cifar10Format.trainFiles, ...cifar10Format.testFiles];

/** Names of the batch files in `folder` that are missing or not exactly 30,730,000 bytes. */
async function invalidFiles(folder: string, files: readonly string[]): Promise<string[]> {
  const sizes = await Promise.all(files.map((file) => sizeOf(join(folder, file))));
  return files.filter((_, i) => sizes[i] !== cifar10Format.batchBytes);
}

/**
 * Makes sure `root/cifar-10-batches-bin/` holds all six official batches: does nothing when their sizes are right,
 * else downloads the archive (reusing an already downloaded one whose MD5 matches), extracts it into a staging folder
 * inside `root`, validates every batch there and only then renames the folder into place.
 */
export async function downloadCIFAR10(
  root: string,
  options: Pick<CIFAR10Options<unknown, unknown>, 'url' | 'md5' | 'progress'> = {},
): Promise<void> {
  const folder = join(root, cifar10Format.folder);
  if ((await invalidFiles(folder, allFiles)).length === 0) return;
  await mkdir(root, { recursive: true });
  await removeAbandoned(root);
  const archive = join(root, cifar10Download.archive);
  const md5 = options.md5 ?? cifar10Download.md5;
  if (!((await exists(archive)) && (await fileMd5(archive)) === md5)) {
    await downloadFile(options.url ?? cifar10Download.url, archive, { md5, progress: options.progress });
  }
  const staging = await stagingFolder(root, 'cifar-10-extract');
  try {
    await extractTarGz('CIFAR10', archive, staging);
    const extracted = join(staging, cifar10Format.folder);
    const bad = await invalidFiles(extracted, allFiles);
    if (bad.length > 0)
      throw new CorruptDatasetError('CIFAR10', archive, `does not hold valid ${cifar10Format.folder}/${bad.join(', ')}`);
    for (const file of allFiles)
      validateCifar10Batch({ name: `${archive}:${cifar10Format.folder}/${file}`, bytes: await readFile(join(extracted, file)) });
    await replaceFolder(extracted, folder, staging);
  } catch (error) {
    // Another process may have put a complete copy in place while this one worked: that is success, not failure.
    if ((await invalidFiles(folder, allFiles)).length === 0) return;
    throw error;
  } finally {
    await removeQuietly(staging);
  }
}

/**
 * torchvision's CIFAR10, reading the official binary batches from `root/cifar-10-batches-bin/` (downloading them first
 * when `download` is set). Samples are `[transform(image), targetTransform(label)]` with the image a 32×32×3 uint8
 * RawImage (HWC) — torchvision hands its transforms a PIL image of the same layout — so `ToTensor()` gives [3, 32, 32].
 * @example
 * const train = await CIFAR10({ root: './data', train: true, transform: Compose([ToTensor(), Normalize(mean, std)]) });
 */
export async function CIFAR10<ImageOutput = RawImage, TargetOutput = number>(
  options: CIFAR10Options<ImageOutput, TargetOutput>,
): Promise<CIFAR10Dataset<ImageOutput, TargetOutput>> {
  const root = resolve(options.root);
  if (options.download) await downloadCIFAR10(root, options);
  return new CIFAR10Dataset(await readCIFAR10Batches(root, options), options);
}

/** Reads a file whole into `bytes` (sized to it). */
async function readInto(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'r');
  try {
    for (let at = 0; at < bytes.length; ) {
      const { bytesRead } = await handle.read(bytes, at, bytes.length - at, at);
      if (bytesRead === 0) throw new CorruptDatasetError('CIFAR10', path, `ended after ${at} of ${bytes.length} bytes`);
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/**
 * The batch files of one split of `root/cifar-10-batches-bin/` (no download), for `new CIFAR10Dataset(batches)`. With
 * `shared: true` their bytes live in SharedArrayBuffers: pass the batches to worker threads (threadWorkers'
 * `workerData`) and each worker's CIFAR10Dataset reads the same memory instead of a copy of its own (150 MB for the
 * training split).
 * @example
 * const batches = await readCIFAR10Batches('./data', { train: true, shared: true });
 * const workers = threadWorkers(new URL('./cifar-worker.js', import.meta.url), { count: 2, workerData: { batches } });
 * // cifar-worker.js: serveDataset((info, { batches }) => new CIFAR10Dataset(batches, { transform: ToTensor() }));
 */
export async function readCIFAR10Batches(
  root: string,
  options: { train?: boolean; shared?: boolean } = {},
): Promise<CIFAR10Batch[]> {
  const folder = join(resolve(root), cifar10Format.folder);
  const files = options.train === false ? cifar10Format.testFiles : cifar10Format.trainFiles;
  const entries = await Promise.all(files.map((file) => entryAt(join(folder, file))));
  const missing = files.filter((_, i) => entries[i]!.kind === 'missing');
  if (missing.length > 0) {
    throw new DatasetNotFoundError(
      'CIFAR10',
      folder,
      missing,
      `pass download: true, or extract the official binary archive (${cifar10Download.url}) into ${resolve(root)}`,
    );
  }
  // Sizes are checked before anything is allocated: a huge file in a batch's place must not be read into memory.
  const sizes = files.map((file, i) => {
    const entry = entries[i]!;
    if (entry.kind !== 'file')
      throw new CorruptDatasetError('CIFAR10', join(folder, file), 'is not a file (a directory?): expected a batch file');
    checkCifar10BatchLength(join(folder, file), entry.size);
    return entry.size;
  });
  return Promise.all(
    files.map(async (file, i) => {
      const bytes = new Uint8Array(options.shared ? new SharedArrayBuffer(sizes[i]!) : new ArrayBuffer(sizes[i]!));
      await readInto(join(folder, file), bytes);
      return { name: join(folder, file), bytes };
    }),
  );
}
