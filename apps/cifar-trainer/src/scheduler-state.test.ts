import { readFile, writeFile } from 'node:fs/promises';
import { decodeSafetensors } from '@lantern/nn';
import { expect, it } from 'vitest';
import { captureOutput } from './__fixtures__/cli-output.js';
import { runTrainer, syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { decodeCheckpointFile, encodeCheckpointFile } from './checkpoint-file.js';

const output = captureOutput();
const workspace = syntheticWorkspace(['test']);
const flags = ['--limit', '8', '--batch-size', '4', '--seed', '0', '--lr-scheduler', 'step', '--step-size', '1'];

// A scheduler's loadStateDict takes whatever it is given; the trainer checks a saved scheduler state against a fresh
// one before it loads it, so a damaged state (sealed again with a valid checksum) is refused, not trained on.
it.each([
  ['a string where a number was', (state: Record<string, unknown>) => ({ ...state, lastEpoch: 'one' })],
  ['a missing field', ({ lastEpoch: _, ...rest }: Record<string, unknown>) => rest],
  ['an array of the wrong length', (state: Record<string, unknown>) => ({ ...state, baseLrs: [0.1, 0.2, 0.3] })],
])('refuses a checkpoint whose scheduler state has %s, naming the file', async (_what, damage) => {
  const checkpoint = workspace.file(`scheduler-${_what.replaceAll(' ', '-')}.ckpt`);
  const first = await runTrainer(output, workspace, ...flags, '--epochs', '1', '--checkpoint', checkpoint);
  expect(first.code, first.stderr).toBe(0);
  const bytes = new Uint8Array(await readFile(checkpoint));
  const state = decodeCheckpointFile(checkpoint, bytes).state as { scheduler: Record<string, unknown> };
  expect(Object.keys(state.scheduler)).toEqual(expect.arrayContaining(['lastEpoch', 'baseLrs']));
  const damaged = { ...state, scheduler: damage(state.scheduler) };
  await writeFile(checkpoint, await encodeCheckpointFile(damaged, decodeSafetensors(bytes).tensors));
  const resumed = await runTrainer(output, workspace, ...flags, '--epochs', '2', '--checkpoint', checkpoint, '--resume');
  expect(resumed.code).toBe(2);
  expect(resumed.stderr).toContain(checkpoint);
  expect(resumed.stderr).toContain('scheduler state');
});
