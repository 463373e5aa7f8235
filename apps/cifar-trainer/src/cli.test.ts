import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';
import { createCommand } from './options.js';

// The real CIFAR-10 copy the workplace provides beside the checkout (tests may read it; the product never does).
const sharedData = resolve(__dirname, '../../../../shared/datasets');

let stdout: string[], stderr: string[];
beforeEach(() => {
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

const jsonLines = () => stdout.join('').trim().split('\n').map((line) => JSON.parse(line));

describe('bad flags exit with status 2 and list the valid values', () => {
  it.each([
    [['--backend', 'cuda'], /Allowed choices are cpu, wasm, webgpu, tfjs/],
    [['--lr', '0'], /--lr must be a number > 0, got '0'/],
    [['--lr', '-1'], /--lr must be a number > 0/],
    [['--batch-size', '0'], /--batch-size must be an integer >= 1, got '0'/],
    [['--optimizer', 'lbfgs'], /Allowed choices are sgd, adam, adamw, rmsprop/],
    [['--split', 'val'], /Allowed choices are test, train/],
    [['--nesterov'], /--nesterov needs --optimizer sgd and --momentum > 0/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['--backend', 'cpu', '--no-winograd'], /--no-winograd applies to --backend wasm only/],
  ])('%j', async (argv, message) => {
    expect(await main(argv)).toBe(2);
    expect(stderr.join('')).toMatch(message);
  });

  it('missing data: one line saying where it looked and how to fix it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lantern-no-data-'));
    expect(await main(['--data', empty, '--epochs', '1'])).toBe(2);
    const message = stderr.join('');
    expect(message).toContain(join(empty, 'cifar-10-batches-bin'));
    expect(message).toMatch(/run again with --download/);
    expect(message.trim().split('\n')).toHaveLength(1);
  });
});

describe('end to end on real CIFAR-10', () => {
  it('the shared dataset is present (CI provides it)', () => {
    expect(existsSync(join(sharedData, 'cifar-10-batches-bin', 'test_batch.bin'))).toBe(true);
  });

  it('200 images, 3 epochs, batch 1: the running loss falls every epoch', async () => {
    const code = await main(['--', '--data', sharedData, '--limit', '200', '--epochs', '3', '--seed', '0', '--backend', 'cpu', '--json', '--log-every', '50']);
    expect(stderr.join('')).toBe('');
    expect(code).toBe(0);
    const lines = jsonLines();
    const epochs = lines.filter((line) => line.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(lines.filter((line) => line.type === 'step')).toHaveLength(12);
    for (const epoch of epochs) expect(epoch.meanLoss).toBeCloseTo(epoch.runningLoss / 200, 10);
    expect(epochs[1].runningLoss).toBeLessThan(epochs[0].runningLoss);
    expect(epochs[2].runningLoss).toBeLessThan(epochs[1].runningLoss);
  }, 120_000);

  it('--no-winograd: wasm follows cpu to float32 rounding; the default (Winograd) rounds differently', async () => {
    const run = async (...flags: string[]) => {
      stdout = [];
      expect(await main(['--data', sharedData, '--limit', '100', '--epochs', '1', '--seed', '0', '--json', ...flags])).toBe(0);
      return jsonLines()[0].runningLoss as number;
    };
    const [cpu, direct, winograd] = [await run('--backend', 'cpu'), await run('--no-winograd'), await run()];
    expect(Math.abs(direct - cpu) / cpu).toBeLessThan(1e-5);
    expect(Math.abs(winograd - cpu) / cpu).toBeLessThan(1e-3);
    expect(winograd).not.toBe(direct);
  }, 120_000);

  it('--backend webgpu trains through the same loop (lavapipe in CI), reading losses asynchronously', async () => {
    const code = await main(['--data', sharedData, '--limit', '16', '--epochs', '1', '--seed', '0', '--backend', 'webgpu', '--json']);
    expect(stderr.join('')).toBe('');
    expect(code).toBe(0);
    const [epoch] = jsonLines().filter((line) => line.type === 'epoch');
    expect(epoch.epoch).toBe(1);
    expect(Number.isFinite(epoch.runningLoss)).toBe(true);
  }, 120_000);

  it.each(['tfjs', 'wasm'])('--backend %s gives the cpu backend\'s running loss for the same seed', async (backend) => {
    const run = async (name: string) => {
      stdout.length = 0;
      expect(await main(['--data', sharedData, '--limit', '8', '--epochs', '1', '--seed', '0', '--backend', name, '--json'])).toBe(0);
      return jsonLines().find((line) => line.type === 'epoch').runningLoss as number;
    };
    const onCpu = await run('cpu');
    expect(Math.abs((await run(backend)) - onCpu) / onCpu).toBeLessThan(1e-4);
  }, 120_000);

  it('the default backend is wasm (faster than cpu; see packages/backend-wasm/BENCHMARKS.md)', () => {
    expect(createCommand().parse([], { from: 'user' }).opts().backend).toBe('wasm');
  });

  it('a diverging run stops at the first non-finite loss, naming epoch and step, and exits non-zero', async () => {
    const code = await main(['--data', sharedData, '--limit', '50', '--epochs', '2', '--lr', '1e6', '--seed', '0']);
    expect(code).toBe(1);
    expect(stderr.join('')).toMatch(/loss became (NaN|Infinity) at epoch 1, step \d+: training diverged; try a smaller --lr/);
  });
});
