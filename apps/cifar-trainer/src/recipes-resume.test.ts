import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { runChildTrainer } from './__fixtures__/child-trainer.js';
import { captureOutput } from './__fixtures__/cli-output.js';
import { runTrainer, syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';

const output = captureOutput();
const workspace = syntheticWorkspace(['test']);
// Every recipe flag at once, each with state a resumed run must get right: BatchNorm's running statistics,
// per-sample augmentation, OneCycleLR's position (stepped every batch, momentum cycled), momentum buffers.
const recipe = [
  ...['--limit', '24', '--batch-size', '4', '--epochs', '3', '--shuffle', '--momentum', '0.9', '--seed', '0'],
  ...['--backend', 'wasm', '--threads', '1', '--model', 'course-bn', '--augment', '--normalize'],
  ...['--lr-scheduler', 'onecycle', '--max-lr', '0.05', '--label-smoothing', '0.1', '--clip-grad-norm', '1'],
];

it("stopped mid-epoch (SIGINT) and resumed, the full recipe ends with the uninterrupted run's weights bit for bit", async () => {
  const straightWeights = workspace.file('recipe-straight.safetensors');
  const straight = await runTrainer(output, workspace, ...recipe, '--save', straightWeights);
  expect(straight.code, straight.stderr).toBe(0);
  const checkpoint = workspace.file('recipe.ckpt');
  const weights = workspace.file('recipe.safetensors');
  const flags = [
    ...recipe,
    '--json',
    '--log-every',
    '1',
    '--checkpoint',
    checkpoint,
    '--checkpoint-every',
    '2',
    '--save',
    weights,
  ];
  const child = await runChildTrainer(['--data', workspace.data, ...flags], {
    onLine: (line) => {
      const record = JSON.parse(line) as { type: string; epoch: number; step: number };
      return record.type === 'step' && record.epoch === 1 && record.step >= 3 ? 'SIGINT' : undefined;
    },
  });
  expect(child.code, child.stderr).toBe(130);
  const resumed = await runTrainer(output, workspace, ...flags, '--resume');
  expect(resumed.code, resumed.stderr).toBe(0);
  const at = resumed.lines.find((line) => line.type === 'resumed')!;
  expect(at.stepsIntoEpoch).toBeGreaterThan(0); // mid-epoch: the schedule and augmentation continue inside an epoch
  for (const epoch of [2, 3]) expect(resumed.losses[epoch], `epoch ${epoch}`).toBe(straight.losses[epoch]);
  expect((await readFile(weights)).equals(await readFile(straightWeights))).toBe(true);
}, 120_000);
