import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runChildTrainer } from './__fixtures__/child-trainer.js';
import { captureOutput } from './__fixtures__/cli-output.js';
import { runTrainer, syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { acquireCheckpointLock } from './checkpoint-lock.js';
import { CheckpointLockedError } from './errors.js';

const output = captureOutput();
const workspace = syntheticWorkspace();
const recipe = ['--limit', '8', '--batch-size', '4', '--seed', '0', '--backend', 'wasm', '--threads', '1', '--epochs', '1'];

/** The id of a process that has exited: a lock naming it is stale. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('two trainers never write one checkpoint', () => {
  it('a lock held by a live process is refused, naming its pid; the lock and the checkpoint are left alone', async () => {
    const checkpoint = workspace.file('held.ckpt');
    const lock = `${JSON.stringify({ pid: process.ppid, hostname: hostname() })}\n`;
    await writeFile(`${checkpoint}.lock`, lock);
    const run = await runTrainer(output, workspace, ...recipe, '--checkpoint', checkpoint);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: checkpoint ${checkpoint} is in use by another trainer (pid ${process.ppid} on ${hostname()}, lock file ` +
        `${checkpoint}.lock); wait for it to finish, or delete ${checkpoint}.lock if that process is not a trainer\n`,
    );
    expect(run.lines.filter((line) => line.type === 'epoch')).toEqual([]);
    expect(await readFile(`${checkpoint}.lock`, 'utf8')).toBe(lock);
    expect(await readdir(workspace.folder)).not.toContain('held.ckpt');
  });

  it("another machine's lock is refused too (its process cannot be checked); a lock naming no process is not taken", async () => {
    const checkpoint = workspace.file('remote.ckpt');
    await writeFile(`${checkpoint}.lock`, JSON.stringify({ pid: await deadPid(), hostname: 'another-machine' }));
    await expect(acquireCheckpointLock(checkpoint)).rejects.toThrow(/in use by another trainer \(pid \d+ on another-machine/);
    await writeFile(`${checkpoint}.lock`, '');
    await expect(acquireCheckpointLock(checkpoint)).rejects.toThrow(
      `checkpoint ${checkpoint}: its lock file ${checkpoint}.lock does not name the trainer that holds it ("")`,
    );
  });

  it("a dead trainer's lock is taken over with a notice, and every run removes its own lock when it ends", async () => {
    const checkpoint = workspace.file('stale.ckpt');
    const pid = await deadPid();
    await writeFile(`${checkpoint}.lock`, JSON.stringify({ pid, hostname: hostname() }));
    const run = await runTrainer(output, workspace, ...recipe, '--checkpoint', checkpoint);
    expect(run.code, run.stderr).toBe(0);
    expect(run.notices).toEqual([`took over ${checkpoint}.lock from pid ${pid}, which is no longer running`]);
    const refused = await runTrainer(output, workspace, ...recipe, '--checkpoint', checkpoint, '--optimizer', 'adam', '--resume');
    expect(refused.code).toBe(2);
    expect((await readdir(workspace.folder)).filter((name) => name.startsWith('stale.ckpt'))).toEqual(['stale.ckpt']);
  });

  it('in one process: the second acquirer is refused until the first releases', async () => {
    const checkpoint = workspace.file('twice.ckpt');
    const first = await acquireCheckpointLock(checkpoint);
    const error = await acquireCheckpointLock(checkpoint).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CheckpointLockedError);
    expect((error as CheckpointLockedError).pid).toBe(process.pid);
    await first.release();
    const second = await acquireCheckpointLock(checkpoint);
    expect(second.staleOwner).toBeUndefined();
    await second.release();
    await rm(`${checkpoint}.lock`, { force: true });
  });

  it('a trainer in another process holds the lock while it trains; once it is SIGKILLed, the lock is taken over', async () => {
    const checkpoint = workspace.file('busy.ckpt');
    const flags = ['--data', workspace.data, '--limit', '64', '--batch-size', '1', '--backend', 'cpu', '--epochs', '5'];
    let trainer: ChildProcess | undefined;
    let stepped: () => void = () => {};
    const firstStep = new Promise<void>((resolve) => (stepped = resolve));
    const finished = runChildTrainer([...flags, '--json', '--log-every', '1', '--checkpoint', checkpoint], {
      onSpawn: (child) => (trainer = child),
      onLine: (line) => void (JSON.parse(line).type === 'step' && stepped()),
    });
    await firstStep;
    trainer!.kill('SIGSTOP'); // frozen mid-epoch, alive, holding the lock
    const refused = await runTrainer(output, workspace, ...recipe, '--checkpoint', checkpoint);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`is in use by another trainer (pid ${trainer!.pid} on ${hostname()}`);
    trainer!.kill('SIGKILL');
    expect((await finished).signal).toBe('SIGKILL');
    const after = await runTrainer(output, workspace, ...recipe, '--checkpoint', checkpoint);
    expect(after.code, after.stderr).toBe(0);
    expect(after.notices).toEqual([`took over ${checkpoint}.lock from pid ${trainer!.pid}, which is no longer running`]);
  }, 120_000);
});
