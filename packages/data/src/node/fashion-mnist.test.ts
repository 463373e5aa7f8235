import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gzip,
  idxImages,
  idxLabels,
  md5,
  serveBytes,
  serveStatus,
  serveTruncated,
  startServer,
} from '../__fixtures__/dataset-files.js';
import { ChecksumError, CorruptDatasetError, DatasetNotFoundError, DownloadError } from '../errors.js';
import { ToTensor } from '../transforms/basic.js';
import { FashionMNIST } from './fashion-mnist.js';

await registerCpuBackend();

// Small splits in the official IDX format: 30 training and 12 test images (the parser does not insist on 60k/10k).
const files: Record<string, Buffer> = {
  'train-images-idx3-ubyte.gz': gzip(idxImages(30)),
  'train-labels-idx1-ubyte.gz': gzip(idxLabels(Array.from({ length: 30 }, (_, i) => i % 10))),
  't10k-images-idx3-ubyte.gz': gzip(idxImages(12)),
  't10k-labels-idx1-ubyte.gz': gzip(idxLabels(Array.from({ length: 12 }, (_, i) => 9 - (i % 10)))),
};
const checksums = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, md5(bytes)]));

let workspace: string;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'lantern-fashion-'));
  const routes = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [`/good/${name}`, serveBytes(bytes)]));
  for (const [name, bytes] of Object.entries(files)) routes[`/truncated/${name}`] = serveTruncated(bytes);
  routes['/down/train-images-idx3-ubyte.gz'] = serveStatus(500);
  server = await startServer(routes);
});

afterAll(async () => {
  await server?.close();
  await rm(workspace, { recursive: true, force: true });
});

const rawFolder = (root: string) => join(root, 'FashionMNIST', 'raw');

describe('FashionMNIST', () => {
  it('downloads the four .gz files (falling back to a second mirror), verifies, decompresses and loads', async () => {
    const root = join(workspace, 'good');
    const train = await FashionMNIST({
      root,
      download: true,
      mirrors: [server.url('/down/'), server.url('/good')],
      md5: checksums,
      progress: false,
    });
    expect(train.length).toBe(30);
    const [image, label] = train.getItem(13);
    expect([image.shape, image.pixel(0, 0), image.pixel(27, 27), label]).toEqual([[28, 28, 1], 255 - 13, 13, 3]);
    const test = await FashionMNIST({ root, train: false, transform: ToTensor() });
    const [tensor, testLabel] = test.getItem(-1);
    expect([test.length, tensor.shape, testLabel]).toEqual([12, [1, 28, 28], 9 - 1]);
    expect((await readdir(rawFolder(root))).sort()).toEqual(
      [...Object.keys(files), ...Object.keys(files).map((name) => name.slice(0, -3))].sort(),
    );
    // Everything valid is there now: a second call downloads nothing.
    const before = { ...server.hits };
    await FashionMNIST({ root, download: true, mirrors: [server.url('/down/')], md5: checksums });
    expect(server.hits).toEqual(before);
  });

  it('rejects a wrong checksum, a truncated stream and a server error, leaving no partial file', async () => {
    const root = join(workspace, 'bad');
    await expect(
      FashionMNIST({
        root,
        download: true,
        mirrors: [server.url('/good/')],
        md5: { 'train-images-idx3-ubyte.gz': 'f'.repeat(32) },
      }),
    ).rejects.toBeInstanceOf(ChecksumError);
    await expect(FashionMNIST({ root, download: true, mirrors: [server.url('/truncated/')], md5: checksums })).rejects.toThrow(
      /after \d+ of \d+ bytes/,
    );
    await expect(FashionMNIST({ root, download: true, mirrors: [server.url('/down/')] })).rejects.toBeInstanceOf(DownloadError);
    expect(await readdir(rawFolder(root))).toEqual([]);
  });

  it('without files: a one-line DatasetNotFoundError naming the folder', async () => {
    const root = join(workspace, 'none');
    await expect(FashionMNIST({ root })).rejects.toBeInstanceOf(DatasetNotFoundError);
    await expect(FashionMNIST({ root })).rejects.toThrow(
      `FashionMNIST: dataset not found in ${rawFolder(root)} (missing train-images-idx3-ubyte, train-labels-idx1-ubyte); pass download: true`,
    );
  });

  it('names the file and the problem for corrupt IDX files', async () => {
    const root = join(workspace, 'corrupt');
    const folder = rawFolder(root);
    await mkdir(folder, { recursive: true });
    const images = join(folder, 'train-images-idx3-ubyte'),
      labels = join(folder, 'train-labels-idx1-ubyte');
    await writeFile(labels, idxLabels([1, 2, 3]));
    await writeFile(images, idxImages(3).subarray(0, 100));
    await expect(FashionMNIST({ root })).rejects.toThrow(
      `FashionMNIST: ${images} is 100 bytes, expected ${16 + 3 * 784} for dims [3, 28, 28]`,
    );
    await writeFile(images, idxLabels(new Array(20).fill(1)));
    await expect(FashionMNIST({ root })).rejects.toThrow(/has IDX magic 0x00000801, expected 0x00000803 \(uint8 images\)/);
    await writeFile(images, Buffer.alloc(10));
    await expect(FashionMNIST({ root })).rejects.toThrow('is 10 bytes, shorter than its 16-byte IDX header');
    await writeFile(images, idxImages(4));
    await expect(FashionMNIST({ root })).rejects.toThrow(`FashionMNIST: ${labels} holds 3 labels but ${images} holds 4 images`);
    await writeFile(images, idxImages(3));
    await writeFile(labels, idxLabels([1, 12, 3]));
    await expect(FashionMNIST({ root })).rejects.toBeInstanceOf(CorruptDatasetError);
    await expect(FashionMNIST({ root })).rejects.toThrow('label 1 is 12, expected 0..9');
  });
});
