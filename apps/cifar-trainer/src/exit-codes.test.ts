import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSyntheticCIFAR10 } from '@lantern/data/node';
import { describe, expect, it } from 'vitest';
import { runChildTrainer } from './__fixtures__/child-trainer.js';
import { captureOutput } from './__fixtures__/cli-output.js';
import { syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { main } from './cli.js';

const output = captureOutput();
const workspace = syntheticWorkspace(['test']);
const quick = ['--split', 'test', '--limit', '8', '--batch-size', '4', '--epochs', '1', '--seed', '0', '--backend', 'cpu'];

// One test per row of README.md's exit-status table, through the CLI itself: main() in-process, and a real child
// process for the two signals.

describe("the exit statuses of README.md's table", () => {
  it('0: training finished', async () => {
    expect(await main(['--data', workspace.data, ...quick])).toBe(0);
    expect(output.stderr.join('')).toBe('');
  });

  it('1: training failed (here the loss became NaN or Infinity)', async () => {
    expect(await main(['--data', workspace.data, ...quick, '--limit', '40', '--epochs', '2', '--lr', '1e6'])).toBe(1);
    expect(output.stderr.join('')).toMatch(/^error: loss became (NaN|Infinity) at epoch \d+, step \d+/);
  });

  it('2: bad input, found before training: a flag, damaged data, a damaged checkpoint', async () => {
    const cases: Array<[string[], RegExp]> = [];
    cases.push([['--epochs', '0'], /--epochs must be an integer >= 1, got '0'/]);
    const damagedData = workspace.file('damaged-data');
    await writeSyntheticCIFAR10(damagedData, { seed: 0, splits: ['test'] });
    await truncate(join(damagedData, 'cifar-10-batches-bin', 'test_batch.bin'), 1000);
    cases.push([['--data', damagedData], /^error: CIFAR10: .*test_batch\.bin is 1000 bytes, expected 30730000/]);
    const checkpoint = workspace.file('exit-2.ckpt');
    expect(await main(['--data', workspace.data, ...quick, '--checkpoint', checkpoint])).toBe(0);
    const bytes = await readFile(checkpoint);
    bytes[bytes.length - 1]! ^= 1;
    await writeFile(checkpoint, bytes);
    cases.push([['--checkpoint', checkpoint, '--resume'], /^error: checkpoint .*: its SHA-256 is/]);
    for (const [flags, message] of cases) {
      output.clear();
      expect(await main(['--data', workspace.data, ...quick, ...flags]), flags.join(' ')).toBe(2);
      expect(output.stderr.join('')).toMatch(message);
    }
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: %i, after checkpointing the last completed step',
    async (signal, status) => {
      const checkpoint = workspace.file(`${signal}.ckpt`);
      const flags = ['--data', workspace.data, ...quick, '--epochs', '100', '--json', '--log-every', '1'];
      const child = await runChildTrainer([...flags, '--checkpoint', checkpoint], {
        onLine: (line) => (line.includes('"type":"step"') ? signal : undefined),
      });
      expect(child.code, child.stderr).toBe(status);
      expect(child.stderr).toMatch(new RegExp(`^${signal}: stopping after the current step`));
      expect(child.stdout).toContain(`"type":"interrupted","signal":"${signal}"`);
      expect((await readFile(checkpoint)).length).toBeGreaterThan(0);
    },
    120_000,
  );
});
