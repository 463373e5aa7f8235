import { chmod, mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSyntheticCIFAR10 } from '@lantern/data/node';
import { describe, expect, it } from 'vitest';
import { captureOutput } from './__fixtures__/cli-output.js';
import { syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { main } from './cli.js';

const output = captureOutput();
const workspace = syntheticWorkspace(['test']);
const quick = ['--split', 'test', '--limit', '4', '--epochs', '1', '--backend', 'cpu'];
// Permission bits do not stop root, so the permission cases need an ordinary user (as CI runs them).
const isRoot = process.getuid?.() === 0;

/** Makes `path` a file of `size` bytes that takes no disk. */
async function truncateTo(path: string, size: number): Promise<void> {
  await writeFile(path, '');
  await truncate(path, size);
}

/** Runs the trainer; returns its status and what it printed to stderr, which must be exactly one line. */
async function run(...argv: string[]): Promise<{ code: number; line: string }> {
  output.clear();
  const code = await main(argv);
  const stderr = output.stderr.join('');
  expect(stderr.endsWith('\n') && stderr.split('\n').length === 2, stderr).toBe(true);
  return { code, line: stderr.trimEnd() };
}

describe('file-system errors: exit 2 and one line naming the flag, the path and the fix', () => {
  it('--init of a file that does not exist', async () => {
    const path = workspace.file('missing.safetensors');
    expect(await run('--data', workspace.data, ...quick, '--init', path)).toEqual({
      code: 2,
      line: `error: --init ${path}: does not exist (ENOENT)`,
    });
  });

  it('--init of a directory', async () => {
    expect(await run('--data', workspace.data, ...quick, '--init', workspace.folder)).toEqual({
      code: 2,
      line: `error: --init ${workspace.folder}: is a directory, where a file is expected (EISDIR)`,
    });
  });

  it('--init of a file that is not safetensors', async () => {
    const path = workspace.file('notes.txt');
    await writeFile(path, 'not weights');
    const { code, line } = await run('--data', workspace.data, ...quick, '--init', path);
    expect(code).toBe(2);
    expect(line).toMatch(new RegExp(`^error: --init safetensors: ${path}: header length \\d+ exceeds the limit`));
  });

  it('--init and --checkpoint of 3 GiB files (sparse): refused on their size, not read into memory', async () => {
    const path = workspace.file('huge.safetensors');
    await truncateTo(path, 3 * 2 ** 30);
    expect(await run('--data', workspace.data, ...quick, '--init', path)).toEqual({
      code: 2,
      line: `error: --init ${path}: is 3221225472 bytes, more than a weights file read whole may hold (2 GiB)`,
    });
    expect(await run('--data', workspace.data, ...quick, '--checkpoint', path, '--resume')).toEqual({
      code: 2,
      line: `error: checkpoint ${path}: is larger than 2 GiB, which no checkpoint of this trainer is`,
    });
  });

  it('--data of a file, where the folder that holds cifar-10-batches-bin/ should be', async () => {
    const path = workspace.file('notes.txt');
    await writeFile(path, 'not a folder');
    const { code, line } = await run('--data', path, ...quick);
    expect(code).toBe(2);
    expect(line).toBe(
      `error: --data ${path}: ${join(path, 'cifar-10-batches-bin', 'test_batch.bin')}: a part of the path is a file, where a ` +
        'directory is expected (ENOTDIR); point --data at the folder that holds cifar-10-batches-bin/',
    );
  });

  it('a directory where a batch file should be: damaged data, not "missing"', async () => {
    const data = workspace.file('directory-data');
    await mkdir(join(data, 'cifar-10-batches-bin', 'test_batch.bin'), { recursive: true });
    expect(await run('--data', data, ...quick)).toEqual({
      code: 2,
      line:
        `error: CIFAR10: ${join(data, 'cifar-10-batches-bin', 'test_batch.bin')} is not a file (a directory?): expected a ` +
        'batch file; replace it with the official file, or delete it and run again with --download',
    });
  });

  it('a batch file cut short: damaged data, exit 2 with the fix', async () => {
    const data = workspace.file('short-data');
    await writeSyntheticCIFAR10(data, { seed: 0, splits: ['test'] });
    const batch = join(data, 'cifar-10-batches-bin', 'test_batch.bin');
    await truncate(batch, 3073 * 10);
    expect(await run('--data', data, ...quick)).toEqual({
      code: 2,
      line:
        `error: CIFAR10: ${batch} is 30730 bytes, expected 30730000 (10000 records of 3073 bytes); ` +
        'replace it with the official file, or delete it and run again with --download',
    });
  });

  it.skipIf(isRoot)('a data folder that cannot be read: permission denied, not "missing, use --download"', async () => {
    const data = workspace.file('locked-data');
    await writeSyntheticCIFAR10(data, { seed: 0, splits: ['test'] });
    const folder = join(data, 'cifar-10-batches-bin');
    await chmod(folder, 0o000);
    try {
      expect(await run('--data', data, ...quick)).toEqual({
        code: 2,
        line:
          `error: --data ${data}: ${join(folder, 'test_batch.bin')}: permission denied; check the permissions of it and ` +
          'of the folders above it (EACCES)',
      });
    } finally {
      await chmod(folder, 0o755);
    }
  });

  it.skipIf(isRoot)('a checkpoint that cannot be read', async () => {
    const path = workspace.file('locked.ckpt');
    await writeFile(path, 'a checkpoint');
    await chmod(path, 0o000);
    try {
      expect(await run('--data', workspace.data, ...quick, '--checkpoint', path, '--resume')).toEqual({
        code: 2,
        line: `error: checkpoint ${path}: cannot be read: permission denied; check the permissions of it and of the folders above it (EACCES)`,
      });
    } finally {
      await rm(path, { force: true });
    }
  });
});
