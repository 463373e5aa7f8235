import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChildTrainer } from './__fixtures__/child-trainer.js';
import { captureOutput } from './__fixtures__/cli-output.js';
import { runTrainer, syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { main } from './cli.js';

const output = captureOutput();
const workspace = syntheticWorkspace();
const recipe = ['--limit', '8', '--batch-size', '4', '--seed', '0', '--backend', 'wasm', '--threads', '1', '--epochs', '1'];

// A directory no one may create files in, root included: sysfs on Linux; elsewhere a folder without write permission
// (enough unless the tests run as root, which CI on those systems does not).
async function unwritableDirectory(): Promise<string> {
  if (process.platform === 'linux') return '/sys';
  const folder = workspace.file('read-only');
  await mkdir(folder, { recursive: true });
  await chmod(folder, 0o555);
  return folder;
}

describe('output paths are checked before anything else: before the data is even looked for', () => {
  it.each([
    [
      '--save',
      () => workspace.file('missing/final.safetensors'),
      (path: string) => `its directory ${join(path, '..')} does not exist`,
    ],
    [
      '--checkpoint',
      () => workspace.file('data/cifar-10-batches-bin/test_batch.bin/run.ckpt'),
      (path: string) => `its directory ${join(path, '..')} is not a directory`,
    ],
    ['--save', () => workspace.folder, () => 'is a directory; give a file name'],
    ['--plot', () => workspace.file('missing/loss.svg'), (path: string) => `its directory ${join(path, '..')} does not exist`],
    ['--logdir', () => workspace.file('data/cifar-10-batches-bin/test_batch.bin'), () => 'is a file, not a directory'],
    [
      '--logdir',
      () => workspace.file('data/cifar-10-batches-bin/test_batch.bin/runs/one'),
      () => 'a part of the path is a file, not a directory',
    ],
  ])('%s %#: exit 2 naming the path and the fault', async (flag, makePath, fault) => {
    const path = makePath();
    output.clear();
    // --data points nowhere: were the data read first, the error would be about the data.
    const code = await main(['--data', workspace.file('no-data-here'), flag, path]);
    expect(code).toBe(2);
    expect(output.stderr.join('')).toBe(`error: ${flag} ${path}: ${fault(path)}\n`);
  });

  it.skipIf(process.platform === 'win32')('a directory that refuses new files: exit 2 with the system error', async () => {
    const folder = await unwritableDirectory();
    output.clear();
    const path = join(folder, 'run.ckpt');
    expect(await main(['--data', workspace.file('no-data-here'), '--checkpoint', path])).toBe(2);
    // Permission (EACCES, EPERM) or a read-only mount (EROFS), depending on how the system mounts sysfs.
    expect(output.stderr.join('')).toMatch(
      new RegExp(`^error: --checkpoint ${path}: cannot create files in ${folder} \\((EACCES|EPERM|EROFS)\\)\n$`),
    );
  });

  it.skipIf(process.platform === 'win32')('--logdir where no directory can be made: exit 2 naming the ancestor', async () => {
    const folder = await unwritableDirectory();
    output.clear();
    const path = join(folder, 'runs', 'one');
    expect(await main(['--data', workspace.file('no-data-here'), '--logdir', path])).toBe(2);
    expect(output.stderr.join('')).toMatch(
      new RegExp(`^error: --logdir ${path}: cannot create files in ${folder} \\((EACCES|EPERM|EROFS)\\)\n$`),
    );
  });

  it('--logdir that does not exist yet, under a writable folder: accepted, created by the run', async () => {
    const logdir = workspace.file('new/runs/first');
    const run = await runTrainer(output, workspace, ...recipe, '--logdir', logdir);
    expect(run.code).toBe(0);
    expect((await readdir(logdir)).filter((name) => name.startsWith('events.out.tfevents.'))).toHaveLength(1);
  });

  it('--save and --checkpoint naming one file: refused, the weights would replace the checkpoint', async () => {
    output.clear();
    const path = workspace.file('same.ckpt');
    expect(await main(['--data', workspace.file('no-data-here'), '--save', path, '--checkpoint', path])).toBe(2);
    expect(output.stderr.join('')).toContain(`--save and --checkpoint both name ${path}`);
  });
});

describe('--save writes atomically', () => {
  it('a crash at the rename leaves the previous weights whole; a finished run replaces them and leaves no temporary', async () => {
    const weights = workspace.file('final.safetensors');
    await writeFile(weights, 'previous weights');
    const crashed = await runChildTrainer([...recipe, '--data', workspace.data, '--save', weights], {
      crashAtRename: true,
      env: { LANTERN_CRASH_PATH: weights, LANTERN_CRASH_WHEN: 'before' },
    });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    expect(await readFile(weights, 'utf8')).toBe('previous weights');
    const run = await runTrainer(output, workspace, ...recipe, '--save', weights);
    expect(run.code).toBe(0);
    expect(run.notices).toEqual([
      expect.stringMatching(/^removed .*\.final\.safetensors\.\d+\.[0-9a-f]{8}\.tmp, left by an interrupted write$/),
    ]);
    expect((await readFile(weights)).readBigUint64LE(0)).toBeGreaterThan(0n);
    expect((await readdir(workspace.folder)).filter((name) => name.includes('final.safetensors'))).toEqual(['final.safetensors']);
  }, 120_000);
});
