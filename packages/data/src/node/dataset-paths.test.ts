import { chmod, mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idxImages, idxLabels, writeCifarFolder } from '../__fixtures__/dataset-files.js';
import { CorruptDatasetError, DatasetNotFoundError } from '../errors.js';
import { CIFAR10 } from './cifar10.js';
import { FashionMNIST } from './fashion-mnist.js';

await registerCpuBackend();

// What the readers say about dataset paths that hold the wrong thing: a file far too large (sparse, so it takes no
// disk), a directory in a file's place, a file in a folder's place, a folder that cannot be read. None of these is
// "missing", whose fix (download it) would not help, and none is read into memory before its size is checked.

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'lantern-dataset-paths-'));
});
afterAll(async () => {
  await chmod(join(workspace, 'locked', 'cifar-10-batches-bin'), 0o755).catch(() => undefined);
  await rm(workspace, { recursive: true, force: true });
});

/** A file of `size` bytes that occupies no disk: the readers must refuse it on its size alone. */
async function sparseFile(path: string, size: number, head: Uint8Array = new Uint8Array(0)): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.write(head, 0, head.length, 0);
    await handle.truncate(size);
  } finally {
    await handle.close();
  }
}

// Permission bits do not stop root, so the unreadable-folder case needs an ordinary user (as CI runs).
const isRoot = process.getuid?.() === 0;

describe('CIFAR-10 paths', () => {
  it("an 8 GiB file in a batch file's place: CorruptDatasetError on its size, nothing allocated", async () => {
    const folder = join(workspace, 'huge', 'cifar-10-batches-bin');
    await mkdir(folder, { recursive: true });
    await sparseFile(join(folder, 'test_batch.bin'), 2 ** 33);
    const loading = CIFAR10({ root: join(workspace, 'huge'), train: false });
    await expect(loading).rejects.toBeInstanceOf(CorruptDatasetError);
    await expect(loading).rejects.toThrow(`${join(folder, 'test_batch.bin')} is 8589934592 bytes, expected 30730000`);
  });

  it('a directory in a batch file\'s place: CorruptDatasetError naming it, not "missing"', async () => {
    const folder = join(workspace, 'directory', 'cifar-10-batches-bin');
    await mkdir(join(folder, 'test_batch.bin'), { recursive: true });
    await expect(CIFAR10({ root: join(workspace, 'directory'), train: false })).rejects.toThrow(
      new CorruptDatasetError('CIFAR10', join(folder, 'test_batch.bin'), 'is not a file (a directory?): expected a batch file'),
    );
  });

  it('a file where the root folder should be: the system error naming the path, not "missing"', async () => {
    const root = join(workspace, 'root-is-a-file');
    await writeFile(root, 'not a folder');
    const error = await CIFAR10({ root, train: false }).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(DatasetNotFoundError);
    expect(error).toMatchObject({ code: 'ENOTDIR', path: join(root, 'cifar-10-batches-bin', 'test_batch.bin') });
  });

  it.skipIf(isRoot)('a folder that cannot be read: the permission error naming it, not "missing"', async () => {
    const folder = join(workspace, 'locked', 'cifar-10-batches-bin');
    await writeCifarFolder(folder, ['test_batch.bin']);
    await chmod(folder, 0o000);
    const error = await CIFAR10({ root: join(workspace, 'locked'), train: false }).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(DatasetNotFoundError);
    expect(error).toMatchObject({ code: 'EACCES', path: join(folder, 'test_batch.bin') });
  });
});

describe('Fashion-MNIST paths', () => {
  const raw = (root: string) => join(root, 'FashionMNIST', 'raw');

  it('an IDX file whose header declares far more images than its bytes: refused before it is read', async () => {
    const root = join(workspace, 'fashion-huge');
    await mkdir(raw(root), { recursive: true });
    const header = idxImages(0);
    header.writeUInt32BE(60_000, 4);
    await sparseFile(join(raw(root), 't10k-images-idx3-ubyte'), 2 ** 32, header);
    await writeFile(join(raw(root), 't10k-labels-idx1-ubyte'), idxLabels([1]));
    await expect(FashionMNIST({ root, train: false })).rejects.toThrow(
      `${join(raw(root), 't10k-images-idx3-ubyte')} is 4294967296 bytes, expected 47040016 for dims [60000, 28, 28]`,
    );
  });

  it('a 3 GiB IDX file that matches its header: CorruptDatasetError, not the RangeError of reading it whole', async () => {
    const root = join(workspace, 'fashion-3g');
    await mkdir(raw(root), { recursive: true });
    const count = 4_000_000;
    const header = idxImages(0);
    header.writeUInt32BE(count, 4);
    await sparseFile(join(raw(root), 't10k-images-idx3-ubyte'), 16 + count * 784, header);
    await writeFile(join(raw(root), 't10k-labels-idx1-ubyte'), idxLabels([1]));
    const loading = FashionMNIST({ root, train: false });
    await expect(loading).rejects.toBeInstanceOf(CorruptDatasetError);
    await expect(loading).rejects.toThrow(/more than an IDX file read whole may hold \(2 GiB\)/);
  });

  it("a directory in an IDX file's place: CorruptDatasetError naming it", async () => {
    const root = join(workspace, 'fashion-directory');
    await mkdir(join(raw(root), 't10k-images-idx3-ubyte'), { recursive: true });
    await writeFile(join(raw(root), 't10k-labels-idx1-ubyte'), idxLabels([1]));
    await expect(FashionMNIST({ root, train: false })).rejects.toThrow(
      `${join(raw(root), 't10k-images-idx3-ubyte')} is not a file (a directory?): expected an IDX file`,
    );
  });
});
