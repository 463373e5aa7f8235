import { describe, expect, it } from 'vitest';
import { realCifar10, requireRealCifar10 } from '../../../packages/data/src/__fixtures__/real-cifar10.js';
import { captureOutput } from './__fixtures__/cli-output.js';
import { main } from './cli.js';

const output = captureOutput();

// The trainer on the real CIFAR-10, from the folder LANTERN_CIFAR10_ROOT names. Unset, this skips with the reason in
// its title, except under CI, where it fails naming the variable (the contract lives in @lantern/data's test fixture).
describe.skipIf(realCifar10.skip)(realCifar10.title, () => {
  it('200 real images, 3 epochs, batch 1 (the course recipe): the running loss falls every epoch', async () => {
    const data = requireRealCifar10();
    const code = await main(['--data', data, '--limit', '200', '--epochs', '3', '--seed', '0', '--backend', 'cpu', '--json']);
    expect(output.stderr.join('')).toBe('');
    expect(code).toBe(0);
    const epochs = output.jsonLines().filter((line) => line.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const epoch of epochs) expect(epoch.meanLoss).toBeCloseTo(epoch.runningLoss / 200, 10);
    expect(epochs[1]!.runningLoss).toBeLessThan(epochs[0]!.runningLoss);
    expect(epochs[2]!.runningLoss).toBeLessThan(epochs[1]!.runningLoss);
  }, 120_000);
});
