import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { create as tarCreate } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCifarArchive,
  cifarBatch,
  md5,
  serveBytes,
  serveStatus,
  serveTruncated,
  startServer,
  writeCifarFolder,
} from '../__fixtures__/dataset-files.js';
import { ChecksumError, CorruptDatasetError, DatasetNotFoundError, DownloadError } from '../errors.js';
import { ToTensor } from '../transforms/basic.js';
import { CIFAR10 } from './cifar10.js';

await registerCpuBackend();

let workspace: string;
let archive: { bytes: Buffer; md5: string };
let server: Awaited<ReturnType<typeof startServer>>;
let broken: { bytes: Buffer; md5: string };

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'lantern-cifar-'));
  archive = await buildCifarArchive(join(workspace, 'source'));
  // An archive whose MD5 is right (as given) but which holds no batches: extraction must refuse it.
  await mkdir(join(workspace, 'broken', 'cifar-10-batches-bin'), { recursive: true });
  await writeFile(join(workspace, 'broken', 'cifar-10-batches-bin', 'readme.txt'), 'nothing here');
  await tarCreate({ gzip: true, cwd: join(workspace, 'broken'), file: join(workspace, 'broken.tar.gz') }, [
    'cifar-10-batches-bin',
  ]);
  const brokenBytes = await import('node:fs/promises').then((fs) => fs.readFile(join(workspace, 'broken.tar.gz')));
  broken = { bytes: brokenBytes, md5: md5(brokenBytes) };
  server = await startServer({
    '/cifar-10-binary.tar.gz': serveBytes(archive.bytes),
    '/moved': (_request, response) => {
      response.writeHead(302, { location: '/cifar-10-binary.tar.gz' });
      response.end();
    },
    '/truncated': serveTruncated(archive.bytes),
    '/error': serveStatus(500),
    '/broken': serveBytes(broken.bytes),
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(workspace, { recursive: true, force: true });
});

const freshRoot = async (name: string) => {
  const root = join(workspace, name);
  await mkdir(root, { recursive: true });
  return root;
};

/** Everything left in `root`: a failed download must leave neither a partial archive nor a half-extracted folder. */
const listing = async (root: string) => (await readdir(root)).sort();

describe('CIFAR10 download (local server)', () => {
  it('downloads over a redirect with a progress bar, checks the MD5, extracts, and loads both splits', async () => {
    const root = await freshRoot('good');
    const progress = new PassThrough();
    const printed: Buffer[] = [];
    progress.on('data', (chunk: Buffer) => printed.push(chunk));
    const test = await CIFAR10({ root, train: false, download: true, url: server.url('/moved'), md5: archive.md5, progress });
    expect(Buffer.concat(printed).toString()).toContain('100%');
    expect(await listing(root)).toEqual(['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);
    expect(test.length).toBe(10_000);
    const [image, label] = test.getItem(0);
    expect(label).toBe(5); // record 0 of batch 5 (test_batch.bin)
    expect([image.shape, image.pixel(0, 0, 0), image.pixel(0, 1, 0), image.pixel(0, 0, 1), image.pixel(31, 31, 2)]).toEqual([
      [32, 32, 3],
      0,
      5,
      100,
      200,
    ]);

    const train = await CIFAR10({ root, transform: ToTensor() });
    expect(train.length).toBe(50_000);
    const [tensor, trainLabel] = train.getItem(2 * 10_000 + 7);
    expect(trainLabel).toBe(9); // (7 + 2) % 10
    expect(tensor.shape).toEqual([3, 32, 32]);
    expect(Array.from(tensor.dataSync().slice(0, 2))).toEqual([7 / 255, 2 / 255].map(Math.fround));
  }, 30_000);

  it('skips the download when valid batches are there, and reuses a verified archive', async () => {
    const before = server.hits['/error'] ?? 0;
    const root = join(workspace, 'good'); // filled by the previous test
    await expect(CIFAR10({ root, train: false, download: true, url: server.url('/error') })).resolves.toHaveLength(10_000);
    const withArchive = await freshRoot('archive-only');
    await writeFile(join(withArchive, 'cifar-10-binary.tar.gz'), archive.bytes);
    const test = await CIFAR10({ root: withArchive, train: false, download: true, url: server.url('/error'), md5: archive.md5 });
    expect(test.length).toBe(10_000);
    expect(server.hits['/error'] ?? 0).toBe(before);
  }, 30_000);

  it('replaces an incomplete dataset folder as a whole', async () => {
    const root = await freshRoot('incomplete');
    await mkdir(join(root, 'cifar-10-batches-bin'));
    await writeFile(join(root, 'cifar-10-batches-bin', 'data_batch_1.bin'), Buffer.alloc(100));
    const train = await CIFAR10({ root, download: true, url: server.url('/cifar-10-binary.tar.gz'), md5: archive.md5 });
    expect(train.length).toBe(50_000);
    expect((await readdir(join(root, 'cifar-10-batches-bin'))).sort()).toEqual([
      'batches.meta.txt',
      ...[1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
      'test_batch.bin',
    ]);
    expect(await listing(root)).toEqual(['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);
  }, 30_000);

  it('rejects a wrong checksum and leaves nothing behind', async () => {
    const root = await freshRoot('checksum');
    const attempt = CIFAR10({ root, download: true, url: server.url('/cifar-10-binary.tar.gz'), md5: '0'.repeat(32) });
    await expect(attempt).rejects.toBeInstanceOf(ChecksumError);
    await expect(attempt).rejects.toThrow(`has MD5 ${archive.md5}, expected ${'0'.repeat(32)}`);
    expect(await listing(root)).toEqual([]);
  });

  it('rejects a truncated stream and a server error with DownloadError, leaving nothing behind', async () => {
    const root = await freshRoot('truncated');
    await expect(CIFAR10({ root, download: true, url: server.url('/truncated'), md5: archive.md5 })).rejects.toThrow(
      new RegExp(`download of .*/truncated failed: .*after \\d+ of ${archive.bytes.length} bytes`),
    );
    await expect(CIFAR10({ root, download: true, url: server.url('/error') })).rejects.toThrow(/HTTP 500/);
    await expect(CIFAR10({ root, download: true, url: server.url('/error') })).rejects.toBeInstanceOf(DownloadError);
    expect(await listing(root)).toEqual([]);
  });

  it('removes what a killed run left (partial archive, staging folder), but not what a running process writes', async () => {
    const root = await freshRoot('abandoned');
    const gone = spawnSync(process.execPath, ['-e', '']).pid!; // has exited: its id no longer runs
    const alive = process.ppid;
    const left = [`cifar-10-binary.tar.gz.partial-${gone}-0a1b2c3d`, `.cifar-10-extract-${gone}-AbC123`];
    const kept = [`cifar-10-binary.tar.gz.partial-${alive}-0a1b2c3d`, `.cifar-10-extract-${alive}-XyZ789`];
    for (const name of [left[0]!, kept[0]!]) await writeFile(join(root, name), 'half an archive');
    for (const name of [left[1]!, kept[1]!]) await mkdir(join(root, name, 'cifar-10-batches-bin'), { recursive: true });
    await CIFAR10({ root, train: false, download: true, url: server.url('/cifar-10-binary.tar.gz'), md5: archive.md5 });
    expect(await listing(root)).toEqual([...kept, 'cifar-10-batches-bin', 'cifar-10-binary.tar.gz'].sort());
  }, 30_000);

  it('refuses an archive without valid batches and leaves no half-extracted folder', async () => {
    const root = await freshRoot('bad-archive');
    await expect(CIFAR10({ root, download: true, url: server.url('/broken'), md5: broken.md5 })).rejects.toThrow(
      /does not hold valid cifar-10-batches-bin\/data_batch_1.bin/,
    );
    expect(await listing(root)).toEqual(['cifar-10-binary.tar.gz']);
  });
});

describe('CIFAR10 files', () => {
  it('without files and without download: one line saying where it looked and how to fix it', async () => {
    const root = await freshRoot('empty');
    const attempt = CIFAR10({ root, train: false });
    await expect(attempt).rejects.toBeInstanceOf(DatasetNotFoundError);
    const error = (await attempt.catch((caught: Error) => caught)) as Error;
    expect(error.message).toBe(
      `CIFAR10: dataset not found in ${join(root, 'cifar-10-batches-bin')} (missing test_batch.bin); ` +
        `pass download: true, or extract the official binary archive (https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz) into ${root}`,
    );
    expect(error.message).not.toContain('\n');
  });

  it('names the file and the problem for a wrong size or a label byte above 9', async () => {
    const root = await freshRoot('corrupt');
    const folder = join(root, 'cifar-10-batches-bin');
    await writeCifarFolder(folder, ['test_batch.bin']);
    await writeFile(join(folder, 'test_batch.bin'), Buffer.alloc(1000));
    const sizeError = CIFAR10({ root, train: false });
    await expect(sizeError).rejects.toBeInstanceOf(CorruptDatasetError);
    await expect(sizeError).rejects.toThrow(
      `CIFAR10: ${join(folder, 'test_batch.bin')} is 1000 bytes, expected 30730000 (10000 records of 3073 bytes)`,
    );
    const badLabel = cifarBatch(5);
    badLabel[17 * 3073] = 200;
    await writeFile(join(folder, 'test_batch.bin'), badLabel);
    await expect(CIFAR10({ root, train: false })).rejects.toThrow(
      `CIFAR10: ${join(folder, 'test_batch.bin')} record 17 has label byte 200, expected 0..9`,
    );
  });
});
