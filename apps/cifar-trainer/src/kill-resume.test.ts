import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runChildTrainer } from './__fixtures__/child-trainer.js';
import { captureOutput } from './__fixtures__/cli-output.js';
import { runTrainer, shuffledMomentumRecipe, syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';

const output = captureOutput();
const workspace = syntheticWorkspace();
// The shared resume recipe over 3 epochs (6 steps an epoch), with a checkpoint every 2 steps below.
const recipe = [...shuffledMomentumRecipe, '--epochs', '3'];

// Where each child trainer is stopped: at the first step line at or past (epoch, step). A signal lands a little later,
// anywhere in the steps and checkpoint writes that follow; every outcome must resume to the same end.
const stops = [
  { epoch: 1, step: 3, signal: 'SIGKILL' },
  { epoch: 2, step: 2, signal: 'SIGTERM' },
  { epoch: 2, step: 5, signal: 'SIGKILL' },
  { epoch: 3, step: 3, signal: 'SIGINT' },
] as const;

interface StepLine {
  type: string;
  epoch: number;
  step: number;
  runningLoss: number;
  signal: string;
  checkpoint: string;
}

describe('killed at any moment, resumed each time: the same weights as an uninterrupted run', () => {
  it('SIGKILL, SIGTERM and SIGINT at four moments, with --checkpoint-every 2 and --shuffle', async () => {
    const straightWeights = workspace.file('kill-straight.safetensors');
    const straight = await runTrainer(output, workspace, ...recipe, '--save', straightWeights);
    expect(straight.code).toBe(0);
    const checkpoint = workspace.file('killed.ckpt');
    const weights = workspace.file('killed.safetensors');
    const flags = [
      ...recipe,
      '--data',
      workspace.data,
      '--json',
      '--log-every',
      '1',
      '--checkpoint',
      checkpoint,
      '--checkpoint-every',
      '2',
      '--resume',
      '--save',
      weights,
    ];
    const epochLosses: Array<[number, number]> = [];
    const resumedAt: Array<[number, number]> = [];
    let killed = 0;
    for (const stop of [...stops, undefined]) {
      const child = await runChildTrainer(flags, {
        onLine: (line) => {
          const record = JSON.parse(line) as StepLine;
          if (stop === undefined || record.type !== 'step') return undefined;
          const reached = record.epoch > stop.epoch || (record.epoch === stop.epoch && record.step >= stop.step);
          return reached ? stop.signal : undefined;
        },
      });
      const lines = child.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as StepLine);
      for (const line of lines) if (line.type === 'epoch') epochLosses.push([line.epoch, line.runningLoss]);
      for (const line of lines as unknown as Array<Record<string, number | string>>)
        if (line.type === 'resumed') resumedAt.push([line.completedEpochs as number, line.stepsIntoEpoch as number]);
      if (child.code === 0) break; // this one reached the end before its signal arrived
      killed++;
      if (stop!.signal === 'SIGKILL') {
        expect(child.signal, child.stderr).toBe('SIGKILL');
        continue;
      }
      // SIGINT and SIGTERM: the last completed step is checkpointed, the line says where, the status is 128 + signal.
      expect(child.code, child.stderr).toBe(stop!.signal === 'SIGINT' ? 130 : 143);
      const interrupted = lines.find((line) => line.type === 'interrupted')!;
      expect(interrupted).toMatchObject({ signal: stop!.signal, checkpoint });
      expect(child.stderr).toContain(
        `${stop!.signal}: stopped after step ${interrupted.step} of epoch ${interrupted.epoch}; checkpoint written to ${checkpoint}`,
      );
    }
    expect(killed).toBeGreaterThanOrEqual(3);
    // Mid-epoch checkpoints were resumed from, not only epoch ends.
    expect(resumedAt.some(([, steps]) => steps > 0)).toBe(true);
    expect(new Set(epochLosses.map(([epoch]) => epoch))).toEqual(new Set([1, 2, 3]));
    for (const [epoch, loss] of epochLosses) expect(loss, `epoch ${epoch}`).toBe(straight.losses[epoch]);
    expect((await readFile(weights)).equals(await readFile(straightWeights))).toBe(true);
  }, 240_000);
});
