import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { environmentWithTestNode, placePrograms, runNode } from './programs.js';
import { describeResult, expectSuccess, runCommand } from './run-command.js';

// Step 3d: the trainer from its tarball, started through the bin npm linked (its shebang picks the `node` on PATH:
// Node 22 under pnpm), on a synthetic CIFAR-10 in the official layout written by the installed @lantern/data.
const { installFolder, tarballs } = inject('packed');
const bin = join(installFolder, 'node_modules', '.bin', 'cifar-trainer');
const dataRoot = join(installFolder, 'cifar');
// The bin's `#!/usr/bin/env node` takes the first node on PATH: make that the Node running these tests.
const binOptions = (timeoutMs: number) => ({ cwd: installFolder, timeoutMs, env: environmentWithTestNode() });

interface EpochLine {
  type: 'epoch';
  epoch: number;
  runningLoss: number;
  meanLoss: number;
}

function epochLines(stdout: string): EpochLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { type?: string })
    .filter((record): record is EpochLine => record.type === 'epoch');
}

describe('cifar-trainer from its tarball', () => {
  beforeAll(async () => {
    const provider = tarballs.find((tarball) => tarball.name === '@lantern/cifar-trainer');
    if (!provider) {
      throw new Error(
        `no tarball of @lantern/cifar-trainer among ${tarballs.map((tarball) => tarball.name).join(', ')}: ` +
          'apps/cifar-trainer must be public (not "private": true) and named @lantern/cifar-trainer',
      );
    }
    placePrograms(installFolder, ['make-cifar.mjs']);
    expectSuccess(
      await runNode(installFolder, ['make-cifar.mjs', dataRoot]),
      'writing a synthetic CIFAR-10 with the installed @lantern/data',
    );
  });

  it('prints its flags with --help', async () => {
    const help = expectSuccess(await runCommand(bin, ['--help'], binOptions(60_000)), 'cifar-trainer --help');
    for (const flag of ['--data', '--limit', '--epochs', '--backend', '--json', '--threads']) expect(help.stdout).toContain(flag);
  });

  const epochs = new Map<string, EpochLine>();

  it.each([
    ['cpu', ['--backend', 'cpu']],
    ['wasm', ['--backend', 'wasm', '--threads', '2']],
  ])('trains one epoch of 64 images on %s and prints a JSON epoch line', async (backend, flags) => {
    const run = await runCommand(
      bin,
      ['--data', dataRoot, '--limit', '64', '--epochs', '1', '--seed', '0', ...flags, '--json'],
      binOptions(150_000),
    );
    expect(run.code, describeResult(run)).toBe(0);
    const lines = epochLines(run.stdout);
    expect(lines, describeResult(run)).toHaveLength(1);
    expect(lines[0]).toMatchObject({ type: 'epoch', epoch: 1 });
    expect(Number.isFinite(lines[0]!.meanLoss) && lines[0]!.meanLoss > 0, `mean loss ${lines[0]!.meanLoss}`).toBe(true);
    epochs.set(backend, lines[0]!);
  });

  it('gives the same epoch loss on wasm as on cpu (same seed, same data)', () => {
    const [cpu, wasm] = [epochs.get('cpu'), epochs.get('wasm')];
    expect(cpu && wasm, 'both epochs above must have run').toBeTruthy();
    // 64 SGD steps at batch 1: float32 rounding (and Winograd's) drifts a little, far less than this.
    expect(Math.abs(wasm!.meanLoss - cpu!.meanLoss)).toBeLessThan(1e-3 * cpu!.meanLoss);
  });
});
