import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runChildTrainer } from './__fixtures__/child-trainer.js';
import { captureOutput } from './__fixtures__/cli-output.js';
import { runTrainer, syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';

const output = captureOutput();
const workspace = syntheticWorkspace();
// Momentum, so the optimizer's state matters; no shuffling, so that this test isolates what a crash does to the files.
const recipe = ['--limit', '16', '--batch-size', '4', '--momentum', '0.9', '--seed', '0', '--backend', 'wasm', '--threads', '1'];

describe('a crash in the middle of writing a checkpoint leaves a whole checkpoint, old or new', () => {
  it.each([
    ['before', 1],
    ['after', 2],
  ] as const)(
    'SIGKILL just %s the rename that commits epoch 2: --resume continues after epoch %i and ends as an uninterrupted run',
    async (when, completedEpochs) => {
      const straight = await runTrainer(
        output,
        workspace,
        ...recipe,
        '--epochs',
        '3',
        '--save',
        workspace.file(`straight-${when}.safetensors`),
      );
      expect(straight.code).toBe(0);
      const checkpoint = workspace.file(`crash-${when}.ckpt`);
      const child = await runChildTrainer([...recipe, '--data', workspace.data, '--epochs', '3', '--checkpoint', checkpoint], {
        crashAtRename: true,
        env: { LANTERN_CRASH_PATH: checkpoint, LANTERN_CRASH_COUNT: '2', LANTERN_CRASH_WHEN: when },
      });
      expect(child.signal, child.stderr).toBe('SIGKILL');
      expect(child.stdout).toMatch(/epoch 2\/3/);

      const resumedWeights = workspace.file(`resumed-${when}.safetensors`);
      const resumed = await runTrainer(
        output,
        workspace,
        ...recipe,
        '--epochs',
        '3',
        '--checkpoint',
        checkpoint,
        '--resume',
        '--save',
        resumedWeights,
      );
      expect(resumed.code, resumed.stderr).toBe(0);
      const expected = Object.fromEntries(Object.entries(straight.losses).filter(([epoch]) => Number(epoch) > completedEpochs));
      expect(resumed.losses).toEqual(expected);
      expect((await readFile(resumedWeights)).equals(await readFile(workspace.file(`straight-${when}.safetensors`)))).toBe(true);
      expect(resumed.lines.find((line) => line.type === 'resumed')?.completedEpochs).toBe(completedEpochs);
      // The dead trainer's lock is taken over, and its half-written temporary file (if it got that far) is removed.
      expect(resumed.notices[0]).toMatch(new RegExp(`took over ${checkpoint}.lock from pid \\d+, which is no longer running`));
      if (when === 'before') expect(resumed.notices[1]).toMatch(/^removed .*\.tmp, left by an interrupted write$/);
      expect((await readdir(workspace.folder)).filter((name) => name.includes(`crash-${when}`))).toEqual([`crash-${when}.ckpt`]);
    },
    120_000,
  );
});
