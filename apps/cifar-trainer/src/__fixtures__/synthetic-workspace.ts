// A temporary folder with a generated CIFAR-10 (writeSyntheticCIFAR10) for the end-to-end checkpoint tests, and a
// way to run the trainer in-process with --json on it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticCIFAR10 } from '@lantern/data/node';
import { afterAll, beforeAll } from 'vitest';
import { main } from '../cli.js';
import type { CapturedOutput, JsonLine } from './cli-output.js';

export interface Workspace {
  /** The temporary folder: put checkpoints and weights here. */
  readonly folder: string;
  /** The generated CIFAR-10 root. */
  readonly data: string;
  file(name: string): string;
}

/**
 * Call at the top of a test file: creates the workspace before its tests and deletes it after them. `splits` limits
 * the generated data to what the file's runs read (the train split is five files of 10,000 images).
 */
export function syntheticWorkspace(splits: ReadonlyArray<'train' | 'test'> = ['train', 'test']): Workspace {
  const workspace = { folder: '', data: '', file: (name: string) => join(workspace.folder, name) };
  beforeAll(async () => {
    workspace.folder = await mkdtemp(join(tmpdir(), 'lantern-trainer-checkpoints-'));
    workspace.data = join(workspace.folder, 'data');
    await writeSyntheticCIFAR10(workspace.data, { seed: 0, splits: [...splits] });
  });
  afterAll(() => rm(workspace.folder, { recursive: true, force: true }));
  return workspace;
}

/**
 * 24 images in batches of 4, reshuffled every epoch, with momentum: the generator, the data position and the
 * optimizer's buffers all matter to a resume. wasm on one thread: fast and deterministic.
 */
export const shuffledMomentumRecipe: readonly string[] = [
  '--limit',
  '24',
  '--batch-size',
  '4',
  '--shuffle',
  '--momentum',
  '0.9',
  '--seed',
  '0',
  '--backend',
  'wasm',
  '--threads',
  '1',
];

export interface RunResult {
  code: number;
  lines: JsonLine[];
  stderr: string;
  /** The runningLoss of each `epoch` line, by epoch number. */
  losses: Record<number, number>;
  notices: string[];
}

/** Runs `main` with `--data DATA --json FLAGS` and returns what it printed. */
export async function runTrainer(output: CapturedOutput, workspace: Workspace, ...flags: string[]): Promise<RunResult> {
  output.clear();
  const code = await main(['--data', workspace.data, '--json', ...flags]);
  const lines = output.jsonLines();
  const losses = Object.fromEntries(lines.filter((line) => line.type === 'epoch').map((line) => [line.epoch, line.runningLoss]));
  const notices = lines.filter((line) => line.type === 'notice').map((line) => line.message);
  return { code, lines, stderr: output.stderr.join(''), losses, notices };
}
