import { mkdir, open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DatasetTransforms } from '../datasets/cifar10.js';
import {
  FashionMNISTDataset,
  fashionMnistResources,
  type IdxFile,
  idxHeaderBytes,
  parseIdxHeader,
} from '../datasets/fashion-mnist.js';
import { CorruptDatasetError, DatasetNotFoundError, DownloadError } from '../errors.js';
import type { RawImage } from '../image.js';
import { type DownloadOptions, downloadFile, fileMd5 } from './download.js';
import { gunzipFile } from './extract.js';
import { entryAt, exists, removeAbandoned, sizeOf } from './files.js';

/**
 * Where the four .gz files are fetched from, tried in order. The default is the Fashion-MNIST project's own
 * repository over HTTPS (torchvision's default mirror serves plain HTTP only).
 */
export const fashionMnistMirrors = [
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
] as const;

export interface FashionMNISTOptions<ImageOutput, TargetOutput> extends DatasetTransforms<ImageOutput, TargetOutput> {
  /** The folder that holds (or will hold) `FashionMNIST/raw/`, as torchvision's `root`. */
  root: string;
  /** The 60,000 training images (default) or the 10,000 test images. */
  train?: boolean;
  download?: boolean;
  /** Base URLs to try in order (default: fashionMnistMirrors). */
  mirrors?: readonly string[];
  /** Expected MD5 per .gz file name (default: the published ones). */
  md5?: Partial<Record<string, string>>;
  progress?: DownloadOptions['progress'];
}

const uncompressed = (file: string) => file.replace(/\.gz$/, '');
const kindOf = (file: string) => (file.includes('images') ? 'images' : 'labels');

const maxIdxFileBytes = 2 ** 31 - 1;

/** The first bytes of the file at `path` (fewer when it is shorter). */
async function readHead(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(length);
    const { bytesRead } = await handle.read(head, 0, length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Whether an extracted IDX file is complete: its size matches the dims in its own header. */
async function isCompleteIdx(path: string, kind: 'images' | 'labels'): Promise<boolean> {
  const size = await sizeOf(path);
  if (size === null) return false;
  try {
    parseIdxHeader(path, await readHead(path, idxHeaderBytes(kind)), kind, size);
    return true;
  } catch (error) {
    if (error instanceof CorruptDatasetError) return false;
    throw error;
  }
}

/**
 * Reads one IDX file whole, after checking its header against its size: a file whose header declares more (or
 * less) data than it holds, or something else in its place, is a CorruptDatasetError before anything is allocated.
 */
async function readIdxFile(path: string, kind: 'images' | 'labels'): Promise<IdxFile> {
  const entry = await entryAt(path);
  if (entry.kind !== 'file')
    throw new CorruptDatasetError('FashionMNIST', path, 'is not a file (a directory?): expected an IDX file');
  parseIdxHeader(path, await readHead(path, idxHeaderBytes(kind)), kind, entry.size);
  // readFile refuses files over 2 GiB with a RangeError; no Fashion-MNIST split comes near (47 MB).
  if (entry.size > maxIdxFileBytes)
    throw new CorruptDatasetError(
      'FashionMNIST',
      path,
      `is ${entry.size} bytes, more than an IDX file read whole may hold (2 GiB)`,
    );
  return { name: path, bytes: await readFile(path) };
}

/**
 * Makes sure `root/FashionMNIST/raw/` holds the four decompressed IDX files. Each missing or incomplete one is
 * downloaded as .gz (an existing .gz with the right MD5 is reused), checked, and decompressed through a temporary
 * file renamed into place, so a file there is always whole. Mirrors are tried in order when a download fails.
 */
export async function downloadFashionMNIST(
  root: string,
  options: Pick<FashionMNISTOptions<unknown, unknown>, 'mirrors' | 'md5' | 'progress'> = {},
): Promise<void> {
  const folder = join(root, 'FashionMNIST', 'raw');
  await mkdir(folder, { recursive: true });
  await removeAbandoned(folder);
  for (const resource of fashionMnistResources) {
    const target = join(folder, uncompressed(resource.file));
    if (await isCompleteIdx(target, kindOf(resource.file))) continue;
    const archive = join(folder, resource.file);
    const md5 = options.md5?.[resource.file] ?? resource.md5;
    if (!((await exists(archive)) && (await fileMd5(archive)) === md5))
      await downloadFromMirrors(resource.file, archive, md5, options);
    await gunzipFile('FashionMNIST', archive, target);
  }
}

async function downloadFromMirrors(
  file: string,
  archive: string,
  md5: string,
  options: Pick<FashionMNISTOptions<unknown, unknown>, 'mirrors' | 'progress'>,
): Promise<void> {
  const failures: Error[] = [];
  const mirrors = options.mirrors ?? fashionMnistMirrors;
  for (const mirror of mirrors) {
    try {
      return await downloadFile(new URL(file, mirror.endsWith('/') ? mirror : `${mirror}/`).href, archive, {
        md5,
        progress: options.progress,
      });
    } catch (error) {
      // A checksum mismatch means the mirror served other bytes; a later mirror may still have the right ones.
      failures.push(error as Error);
    }
  }
  if (failures.length === 1) throw failures[0];
  throw new DownloadError(file, `every mirror failed: ${failures.map((failure) => failure.message).join('; ')}`);
}

/**
 * torchvision's FashionMNIST, reading the decompressed IDX files from `root/FashionMNIST/raw/` (downloading them first
 * when `download` is set). Samples are `[transform(image), targetTransform(label)]` with the image a 28×28×1 uint8
 * RawImage, so `ToTensor()` gives [1, 28, 28].
 * @example
 * const test = await FashionMNIST({ root: './data', train: false, transform: ToTensor() });
 */
export async function FashionMNIST<ImageOutput = RawImage, TargetOutput = number>(
  options: FashionMNISTOptions<ImageOutput, TargetOutput>,
): Promise<FashionMNISTDataset<ImageOutput, TargetOutput>> {
  const root = resolve(options.root);
  if (options.download) await downloadFashionMNIST(root, options);
  const folder = join(root, 'FashionMNIST', 'raw');
  const prefix = options.train === false ? 't10k' : 'train';
  const files = [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`];
  const missing: string[] = [];
  for (const file of files) if ((await entryAt(join(folder, file))).kind === 'missing') missing.push(file);
  if (missing.length > 0) {
    throw new DatasetNotFoundError(
      'FashionMNIST',
      folder,
      missing,
      'pass download: true, or put the decompressed official IDX files there',
    );
  }
  const images = await readIdxFile(join(folder, files[0]!), 'images');
  const labels = await readIdxFile(join(folder, files[1]!), 'labels');
  return new FashionMNISTDataset(images, labels, options);
}
