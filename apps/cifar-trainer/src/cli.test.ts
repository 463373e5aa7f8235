import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticCIFAR10 } from '@lantern/data/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from './__fixtures__/cli-output.js';
import { main } from './cli.js';
import { createCommand } from './options.js';

const output = captureOutput();

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
    [['--log-every', '10'], /--log-every needs --logdir or --json/],
    [['--log-histograms'], /--log-histograms needs --logdir DIR/],
    [['--plot', 'loss.jpg'], /--plot loss\.jpg: the file name must end in \.svg or \.png/],
    [['--model', 'resnet18'], /Allowed choices are course, course-relu, course-bn/],
    [['--lr-scheduler', 'warmup'], /Allowed choices are step, multistep, cosine, onecycle, plateau/],
    [['--lr-scheduler', 'step'], /--lr-scheduler step needs --step-size/],
    [['--lr-scheduler', 'multistep'], /--lr-scheduler multistep needs --milestones/],
    [['--step-size', '5'], /--step-size applies to --lr-scheduler step/],
    [['--lr-scheduler', 'cosine', '--gamma', '0.5'], /--gamma applies to --lr-scheduler step or multistep/],
    [['--lr-scheduler', 'multistep', '--milestones', '10,5'], /--milestones must be increasing epochs >= 1/],
    [['--lr-scheduler', 'onecycle', '--pct-start', '1'], /--pct-start must be a number between 0 and 1/],
    [['--label-smoothing', '1.5'], /--label-smoothing must be a number from 0 to 1, got '1\.5'/],
    [['--clip-grad-norm', '0'], /--clip-grad-norm must be a number > 0, got '0'/],
  ])('%j', async (argv, message) => {
    expect(await main(argv)).toBe(2);
    expect(output.stderr.join('')).toMatch(message);
  });

  it('missing data: one line saying where it looked and how to fix it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'lantern-no-data-'));
    try {
      expect(await main(['--data', empty, '--epochs', '1'])).toBe(2);
      const message = output.stderr.join('');
      expect(message).toContain(join(empty, 'cifar-10-batches-bin'));
      expect(message).toMatch(/run again with --download/);
      expect(message.trim().split('\n')).toHaveLength(1);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

// The official binary layout, generated here (seeded, class-dependent colour stripes under noise: learnable), so these
// tests need no download and no copy of the real data. cli-real-data.test.ts runs the trainer on the real CIFAR-10.
describe('end to end on a generated CIFAR-10 (writeSyntheticCIFAR10)', () => {
  let workspace: string, data: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'lantern-trainer-'));
    data = join(workspace, 'data');
    await writeSyntheticCIFAR10(data, { seed: 0 });
  });
  afterAll(() => rm(workspace, { recursive: true, force: true }));

  /** Runs the trainer with `--json` on the generated data and returns its exit status and JSON lines. */
  const train = async (...flags: string[]) => {
    output.clear();
    const code = await main(['--data', data, '--seed', '0', '--json', ...flags]);
    return { code, lines: output.jsonLines() };
  };
  const epochLines = (lines: ReturnType<typeof output.jsonLines>) => lines.filter((line) => line.type === 'epoch');

  it('200 images, 3 epochs, batch 1: the running loss falls every epoch, and the other split is then classified well above chance', async () => {
    // `pnpm train -- …` hands the program a literal `--` first.
    output.clear();
    const flags = '--limit 200 --epochs 3 --seed 0 --backend cpu --json --log-every 50 --eval'.split(' ');
    const code = await main(['--', '--data', data, ...flags]);
    expect(output.stderr.join('')).toBe('');
    expect(code).toBe(0);
    const lines = output.jsonLines();
    const epochs = epochLines(lines);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(lines.filter((line) => line.type === 'step')).toHaveLength(12);
    for (const epoch of epochs) expect(epoch.meanLoss).toBeCloseTo(epoch.runningLoss / 200, 10);
    expect(epochs[1]!.runningLoss).toBeLessThan(epochs[0]!.runningLoss);
    expect(epochs[2]!.runningLoss).toBeLessThan(epochs[1]!.runningLoss);
    // --eval: the first 200 images of the train split, which training never saw; chance is 0.1.
    expect(epochs[2]!.testAccuracy).toBeGreaterThan(0.5);
  }, 120_000);

  it('--checkpoint then --resume continues where it stopped: epoch 2 equals an uninterrupted run', async () => {
    const flags = ['--limit', '20', '--backend', 'cpu', '--momentum', '0.9']; // momentum: the optimizer has state to restore
    const straight = await train(...flags, '--epochs', '2');
    const checkpoint = join(workspace, 'resume.safetensors');
    const first = await train(...flags, '--epochs', '1', '--checkpoint', checkpoint);
    const resumed = await train(...flags, '--epochs', '2', '--checkpoint', checkpoint, '--resume');
    expect([straight.code, first.code, resumed.code]).toEqual([0, 0, 0]);
    expect(epochLines(first.lines)[0]!.runningLoss).toBe(epochLines(straight.lines)[0]!.runningLoss);
    expect(resumed.lines[0]).toEqual({ type: 'resumed', completedEpochs: 1, stepsIntoEpoch: 0, checkpoint });
    expect(epochLines(resumed.lines).map((e) => e.epoch)).toEqual([2]);
    expect(epochLines(resumed.lines)[0]!.runningLoss).toBe(epochLines(straight.lines)[1]!.runningLoss);
  }, 120_000);

  it('--no-winograd: wasm follows cpu to float32 rounding; the default (Winograd) rounds differently', async () => {
    const run = async (...flags: string[]) => {
      const { code, lines } = await train('--limit', '100', '--epochs', '1', ...flags);
      expect(code).toBe(0);
      return epochLines(lines)[0]!.runningLoss;
    };
    const [cpu, direct, winograd] = [await run('--backend', 'cpu'), await run('--no-winograd'), await run()];
    expect(Math.abs(direct - cpu) / cpu).toBeLessThan(1e-5);
    expect(Math.abs(winograd - cpu) / cpu).toBeLessThan(1e-3);
    expect(winograd).not.toBe(direct);
  }, 120_000);

  it('--backend webgpu trains through the same loop (lavapipe in CI), reading losses asynchronously', async () => {
    const { code, lines } = await train('--limit', '16', '--epochs', '1', '--backend', 'webgpu');
    expect(output.stderr.join('')).toBe('');
    expect(code).toBe(0);
    const [epoch] = epochLines(lines);
    expect(epoch!.epoch).toBe(1);
    expect(Number.isFinite(epoch!.runningLoss)).toBe(true);
  }, 120_000);

  it.each(['tfjs', 'wasm'])(
    "--backend %s gives the cpu backend's running loss for the same seed",
    async (backend) => {
      const run = async (name: string) => {
        const { code, lines } = await train('--limit', '8', '--epochs', '1', '--backend', name);
        expect(code).toBe(0);
        return epochLines(lines)[0]!.runningLoss;
      };
      const onCpu = await run('cpu');
      expect(Math.abs((await run(backend)) - onCpu) / onCpu).toBeLessThan(1e-4);
    },
    120_000,
  );

  it('the default backend is wasm (faster than cpu; see packages/backend-wasm/BENCHMARKS.md)', () => {
    expect(createCommand().parse([], { from: 'user' }).opts().backend).toBe('wasm');
  });

  it('a diverging run stops at the first non-finite loss, naming epoch and step, and exits non-zero', async () => {
    output.clear();
    const code = await main(['--data', data, '--limit', '50', '--epochs', '2', '--lr', '1e6', '--seed', '0']);
    expect(code).toBe(1);
    expect(output.stderr.join('')).toMatch(
      /loss became (NaN|Infinity) at epoch 1, step \d+: training diverged; try a smaller --lr/,
    );
  });
});
