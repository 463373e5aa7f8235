import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { captureOutput } from './__fixtures__/cli-output.js';
import { shuffledMomentumRecipe as recipe, runTrainer, syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';

const output = captureOutput();
const workspace = syntheticWorkspace();
const train = (...flags: string[]) => runTrainer(output, workspace, ...flags);

describe('--resume continues exactly where the checkpoint stopped', () => {
  it('--shuffle with momentum: stopped after epoch 1, resumed to epoch 3, equal to an uninterrupted run bit for bit', async () => {
    const straight = await train(...recipe, '--epochs', '3', '--save', workspace.file('straight.safetensors'));
    const checkpoint = workspace.file('shuffle.ckpt');
    const first = await train(...recipe, '--epochs', '1', '--checkpoint', checkpoint);
    const resumed = await train(
      ...recipe,
      '--epochs',
      '3',
      '--checkpoint',
      checkpoint,
      '--resume',
      '--save',
      workspace.file('resumed.safetensors'),
    );
    expect([straight.code, first.code, resumed.code, resumed.stderr]).toEqual([0, 0, 0, '']);
    expect(first.losses[1]).toBe(straight.losses[1]);
    expect(resumed.losses).toEqual({ 2: straight.losses[2], 3: straight.losses[3] });
    const [a, b] = [
      await readFile(workspace.file('straight.safetensors')),
      await readFile(workspace.file('resumed.safetensors')),
    ];
    expect(b.equals(a)).toBe(true);
    expect(resumed.lines[0]).toEqual({ type: 'resumed', completedEpochs: 1, stepsIntoEpoch: 0, checkpoint });
  }, 120_000);

  it("a flag left at its default takes the checkpoint's value, a given one overrides it; each says so", async () => {
    const straight = await train(...recipe, '--epochs', '2');
    const checkpoint = workspace.file('flags.ckpt');
    expect((await train(...recipe, '--epochs', '1', '--checkpoint', checkpoint)).code).toBe(0);
    await copyFile(checkpoint, workspace.file('flags-copy.ckpt'));
    // Without --momentum 0.9 and --shuffle, their defaults (0, off) yield to the checkpoint's: the run goes on unchanged.
    const bare = ['--limit', '24', '--batch-size', '4', '--seed', '0', '--backend', 'wasm', '--threads', '1'];
    const defaults = await train(...bare, '--epochs', '2', '--checkpoint', checkpoint, '--resume');
    expect(defaults.code).toBe(0);
    expect(defaults.notices).toEqual([
      "resuming with the checkpoint's --momentum 0.9 (the default is --momentum 0)",
      "resuming with the checkpoint's --shuffle (the default is --no-shuffle)",
    ]);
    expect(defaults.losses[2]).toBe(straight.losses[2]);
    const overridden = await train(
      ...recipe,
      '--epochs',
      '2',
      '--checkpoint',
      workspace.file('flags-copy.ckpt'),
      '--resume',
      '--lr',
      '0.005',
    );
    expect(overridden.code).toBe(0);
    expect(overridden.notices).toEqual(["--lr 0.005 overrides the checkpoint's --lr 0.01"]);
    expect(overridden.losses[2]).not.toBe(straight.losses[2]); // trained at lr 0.005 indeed
  }, 120_000);

  it('flags that cannot change are refused with exit 2, naming the flag, both values and the file', async () => {
    const checkpoint = workspace.file('fixed.ckpt');
    expect((await train(...recipe, '--epochs', '1', '--checkpoint', checkpoint)).code).toBe(0);
    const before = await readFile(checkpoint);
    for (const [flag, value, message] of [
      [
        '--optimizer',
        'adam',
        "--optimizer adam differs from the checkpoint's --optimizer sgd: its optimizer state is that optimizer's",
      ],
      ['--limit', '16', "--limit 16 differs from the checkpoint's --limit 24: it was trained on other data"],
      ['--seed', '1', "--seed 1 differs from the checkpoint's --seed 0: its random streams continue from the checkpoint"],
    ]) {
      const refused = await train(...recipe, flag!, value!, '--epochs', '2', '--checkpoint', checkpoint, '--resume');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`error: checkpoint ${checkpoint}: ${message}`);
      expect(refused.lines.filter((line) => line.type === 'epoch')).toEqual([]);
    }
    expect((await readFile(checkpoint)).equals(before)).toBe(true);
  }, 120_000);
});

describe('a checkpoint is never lost or silently misread', () => {
  it('--resume without a checkpoint says so, then trains from epoch 1', async () => {
    const checkpoint = workspace.file('absent.ckpt');
    const run = await train(...recipe, '--epochs', '1', '--checkpoint', checkpoint, '--resume');
    expect(run.code).toBe(0);
    expect(run.notices).toEqual([`no checkpoint at ${checkpoint}: starting from epoch 1`]);
    expect(Object.keys(run.losses)).toEqual(['1']);
  }, 60_000);

  it('an existing checkpoint without --resume is refused, not overwritten', async () => {
    const checkpoint = workspace.file('existing.ckpt');
    expect((await train(...recipe, '--epochs', '1', '--checkpoint', checkpoint)).code).toBe(0);
    const before = await readFile(checkpoint);
    const again = await train(...recipe, '--epochs', '1', '--checkpoint', checkpoint);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`error: checkpoint ${checkpoint}: already holds a checkpoint (1 epochs done); pass --resume`);
    expect((await readFile(checkpoint)).equals(before)).toBe(true);
  }, 60_000);

  it.each([
    [
      'a flipped byte',
      (bytes: Buffer) => {
        bytes[bytes.length - 10]! ^= 1;
        return bytes;
      },
      /SHA-256|damaged/,
    ],
    ['a truncated file', (bytes: Buffer) => bytes.subarray(0, bytes.length - 1000), /truncated/],
  ])(
    '%s: --resume exits 2 naming the file, and nothing trains',
    async (fault, damage, message) => {
      const checkpoint = workspace.file(`${fault.replaceAll(' ', '-')}.ckpt`);
      expect((await train(...recipe, '--epochs', '1', '--checkpoint', checkpoint)).code).toBe(0);
      await writeFile(checkpoint, damage(await readFile(checkpoint)));
      const resumed = await train(...recipe, '--epochs', '2', '--checkpoint', checkpoint, '--resume');
      expect(resumed.code).toBe(2);
      expect(resumed.stderr).toContain(`error: checkpoint ${checkpoint}: `);
      expect(resumed.stderr).toMatch(message);
      expect(resumed.lines.filter((line) => line.type === 'epoch')).toEqual([]);
    },
    60_000,
  );
});
