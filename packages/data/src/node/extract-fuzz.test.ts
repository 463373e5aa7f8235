import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type Mutation, mutations } from '@lantern/conformance/byte-mutations';
import fc from 'fast-check';
import { create as tarCreate } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptDatasetError } from '../errors.js';
import { extractTarGz, gunzipFile } from './extract.js';

// Property tests of the archive readers the downloads use: damaged .tar.gz and .gz files (damaged as compressed
// bytes, or as the tar inside re-compressed so that the tar parser sees them) are extracted or refused with a
// CorruptDatasetError naming the archive; nothing lands outside the target folder, and a refused .gz leaves no file.

let workspace: string;
let tarGz: Uint8Array;
let run = 0;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'lantern-extract-fuzz-'));
  const source = join(workspace, 'source');
  await mkdir(join(source, 'cifar-10-batches-bin'), { recursive: true });
  await writeFile(join(source, 'cifar-10-batches-bin', 'data_batch_1.bin'), Buffer.alloc(3073 * 3, 7));
  await writeFile(join(source, 'cifar-10-batches-bin', 'batches.meta.txt'), 'airplane\nautomobile\n');
  const archive = join(workspace, 'valid.tar.gz');
  await tarCreate({ gzip: true, cwd: source, file: archive, portable: true }, ['cifar-10-batches-bin']);
  tarGz = new Uint8Array(await readFile(archive));
});
afterAll(() => rm(workspace, { recursive: true, force: true }));

/** A fresh folder per run, inside a parent of its own, so that anything written beside it shows. */
async function freshRun(): Promise<{ parent: string; folder: string; archive: string }> {
  const parent = join(workspace, `run-${run++}`);
  const folder = join(parent, 'target');
  await mkdir(folder, { recursive: true });
  return { parent, folder, archive: join(parent, 'archive.gz') };
}

/** Writes `size` into a tar header (octal text, or base-256 above 11 octal digits) and recomputes its checksum. */
function setTarSize(header: Buffer, size: bigint): void {
  if (size < 8n ** 11n) header.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  else {
    header[124] = 0x80;
    for (let index = 0; index < 11; index++) header[135 - index] = Number((size >> BigInt(8 * index)) & 0xffn);
  }
  header.fill(0x20, 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
}

async function extractOrCorrupt(bytes: Uint8Array): Promise<void> {
  const { parent, folder, archive } = await freshRun();
  await writeFile(archive, bytes);
  try {
    await extractTarGz('CIFAR10', archive, folder);
  } catch (error) {
    if (!(error instanceof CorruptDatasetError)) throw error;
    expect(error.file).toBe(archive);
  }
  expect((await readdir(parent)).sort()).toEqual(['archive.gz', 'target']);
  await rm(parent, { recursive: true, force: true });
}

describe('tar.gz extraction under damage', () => {
  it('the valid archive extracts', async () => {
    const { parent, folder, archive } = await freshRun();
    await writeFile(archive, tarGz);
    await extractTarGz('CIFAR10', archive, folder);
    expect(await readdir(join(folder, 'cifar-10-batches-bin'))).toEqual(['batches.meta.txt', 'data_batch_1.bin']);
    await rm(parent, { recursive: true, force: true });
  });

  it('damaged compressed bytes: extracted or a CorruptDatasetError naming the archive (150 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(mutations(32), async (damage: Mutation) => extractOrCorrupt(damage(tarGz))),
      { numRuns: 150 },
    );
  });

  it('a damaged tar inside intact gzip (headers, sizes, names): extracted or refused (250 runs)', async () => {
    const tar = gunzipSync(tarGz);
    // The tar headers hold sizes and checksums as octal text at offsets 100–156 of each 512-byte block.
    await fc.assert(
      fc.asyncProperty(mutations(1024), async (damage: Mutation) => extractOrCorrupt(gzipSync(damage(tar)))),
      { numRuns: 250 },
    );
  });

  it('declared entry sizes far beyond the archive, with valid header checksums: refused (60 runs)', async () => {
    const tar = gunzipSync(tarGz);
    const headers = [...Array(tar.length / 512).keys()].filter(
      (block) => tar.subarray(block * 512 + 257, block * 512 + 262).toString() === 'ustar',
    );
    const size = fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 62n }), fc.constantFrom(2n ** 33n - 1n, 8n ** 11n - 1n, 2n ** 62n));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...headers), size, async (block, declared) => {
        const damaged = Buffer.from(tar);
        const header = damaged.subarray(block * 512, block * 512 + 512);
        setTarSize(header, declared);
        await extractOrCorrupt(gzipSync(damaged));
      }),
      { numRuns: 60 },
    );
  });

  it('random bytes: a CorruptDatasetError (50 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => extractOrCorrupt(bytes)),
      { numRuns: 50 },
    );
  });
});

describe('.gz decompression under damage', () => {
  const gz = gzipSync(Buffer.alloc(5000, 3));

  it('damaged or random bytes: the whole file or a CorruptDatasetError, and then no file at all (250 runs)', async () => {
    const inputs = fc.oneof(
      mutations(24).map((damage) => damage(gz)),
      fc.uint8Array({ maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(inputs, async (bytes) => {
        const { parent, folder, archive } = await freshRun();
        await writeFile(archive, bytes);
        const destination = join(folder, 'out');
        try {
          await gunzipFile('FashionMNIST', archive, destination);
          expect(await readFile(destination)).toEqual(gunzipSync(bytes));
        } catch (error) {
          if (!(error instanceof CorruptDatasetError)) throw error;
          expect(error.file).toBe(archive);
          expect(await readdir(folder)).toEqual([]);
        }
        await rm(parent, { recursive: true, force: true });
      }),
      { numRuns: 250 },
    );
  });
});
