import { Generator } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import type { TrainingState } from './checkpoint-state.js';
import { CheckpointError } from './errors.js';
import { parseOptions, UsageError } from './options.js';
import { reconcileFlags, recordFlags } from './resume-flags.js';

const checkpointed = (argv: string[], stepsIntoEpoch: number): TrainingState => ({
  format: 'lantern-cifar-trainer-checkpoint',
  version: 1,
  completedEpochs: 1,
  stepsIntoEpoch,
  runningLoss: stepsIntoEpoch === 0 ? 0 : 4.5,
  globalStep: 10 + stepsIntoEpoch,
  flags: recordFlags(parseOptions(argv)),
  generator: new Generator(0).getState(),
  optimizer: { paramGroups: [], state: {} },
  scheduler: null,
  history: [{ epoch: 1, runningLoss: 20.5, meanLoss: 2.05, lr: 0.01 }],
});
const reconcile = (state: TrainingState, argv: string[]) => reconcileFlags(parseOptions(argv), state, 'run.ckpt');

describe('resuming with flags that differ from the checkpoint', () => {
  const saved = ['--batch-size', '4', '--shuffle', '--momentum', '0.9', '--nesterov', '--seed', '3'];

  it('at an epoch end, --batch-size and --no-shuffle apply, each with a line', () => {
    const { options, notices } = reconcile(checkpointed(saved, 0), [
      '--batch-size',
      '8',
      '--no-shuffle',
      '--momentum',
      '0.9',
      '--nesterov',
      '--seed',
      '3',
    ]);
    expect([options.batchSize, options.shuffle]).toEqual([8, false]);
    expect(notices).toEqual([
      "--batch-size 8 overrides the checkpoint's --batch-size 4",
      "--no-shuffle overrides the checkpoint's --shuffle",
    ]);
  });

  it('mid-epoch, the same flags are refused: the rest of the epoch has fixed batches', () => {
    const error = (() => {
      try {
        reconcile(checkpointed(saved, 2), ['--batch-size', '8', '--momentum', '0.9', '--nesterov', '--seed', '3']);
      } catch (caught) {
        return caught as CheckpointError;
      }
    })();
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error!.reason).toBe('flags');
    expect(error!.message).toBe(
      "checkpoint run.ckpt: --batch-size 8 differs from the checkpoint's --batch-size 4: it stopped after step 2 of epoch 2, " +
        'whose remaining batches are fixed (this flag can change when resuming from the end of an epoch); ' +
        'resume with --batch-size 4, or start a new run with another --checkpoint path',
    );
  });

  it('nothing given: every recorded flag comes from the checkpoint, each with a line', () => {
    const { options, notices } = reconcile(checkpointed(saved, 2), []);
    expect(recordFlags(options)).toEqual(checkpointed(saved, 2).flags);
    expect(notices).toHaveLength(5); // momentum, nesterov, batch size, shuffle, seed
    expect(notices).toContain("resuming with the checkpoint's --seed 3 (the default is no --seed)");
    expect(notices).toContain("resuming with the checkpoint's --nesterov (the default is no --nesterov)");
  });

  it("a combination that the merge makes invalid is a usage error (--momentum 0 with the checkpoint's --nesterov)", () => {
    expect(() => reconcile(checkpointed(saved, 0), ['--momentum', '0'])).toThrow(UsageError);
  });

  it('library callers (no givenFlags): every option counts as given', () => {
    const options = { ...parseOptions(['--lr', '0.5']), givenFlags: undefined };
    expect(reconcileFlags(options, checkpointed([], 0), 'run.ckpt').notices).toEqual([
      "--lr 0.5 overrides the checkpoint's --lr 0.01",
    ]);
  });

  it("a scheduler's defaults are recorded as resolved: a longer --epochs keeps the checkpoint's cosine --t-max", () => {
    const saved = checkpointed(['--lr-scheduler', 'cosine', '--epochs', '20'], 0);
    expect(saved.flags).toMatchObject({ lrScheduler: 'cosine', tMax: 20, etaMin: 0, stepSize: null, maxLr: null });
    const { options, notices } = reconcile(saved, ['--lr-scheduler', 'cosine', '--epochs', '30']);
    expect(options.tMax).toBe(20);
    expect(notices).toEqual(["resuming with the checkpoint's --t-max 20 (the default is --t-max 30)"]);
  });

  it('--augment, --normalize, --label-smoothing and --clip-grad-norm apply on resume, each with a line', () => {
    const saved = checkpointed(['--label-smoothing', '0.1'], 2);
    const { options, notices } = reconcile(saved, [
      '--augment',
      '--normalize',
      '--label-smoothing',
      '0',
      '--clip-grad-norm',
      '5',
    ]);
    expect([options.augment, options.normalize, options.labelSmoothing, options.clipGradNorm]).toEqual([true, true, 0, 5]);
    expect(notices).toEqual([
      "--augment overrides the checkpoint's no --augment",
      "--normalize overrides the checkpoint's no --normalize",
      "--label-smoothing 0 overrides the checkpoint's --label-smoothing 0.1",
      "--clip-grad-norm 5 overrides the checkpoint's no --clip-grad-norm",
    ]);
  });
});
