import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isProcessAlive, temporaryPathFor } from './atomic-file.js';
import { CheckpointError, CheckpointLockedError } from './errors.js';

/** Who holds a lock: the lock file's contents, one JSON line. */
export interface LockOwner {
  pid: number;
  hostname: string;
}

export interface CheckpointLock {
  readonly lockPath: string;
  /** The dead trainer whose lock this one took over, if any. */
  readonly staleOwner: LockOwner | undefined;
  /** Removes the lock file if it is still this process's. */
  release(): Promise<void>;
}

/**
 * Takes `CHECKPOINT.lock`, so two trainers never write one checkpoint. The lock file is written complete under a
 * temporary name and hard-linked into place, which fails if the lock exists, so no reader ever sees it half
 * written. A lock whose process is dead (SIGKILL, a crash) is taken over; a live one, or one held from another
 * machine (whose process cannot be checked), is refused with CheckpointLockedError naming the pid.
 */
export async function acquireCheckpointLock(checkpointPath: string): Promise<CheckpointLock> {
  const lockPath = `${checkpointPath}.lock`;
  const self: LockOwner = { pid: process.pid, hostname: hostname() };
  const candidate = temporaryPathFor(lockPath);
  await writeFile(candidate, `${JSON.stringify(self)}\n`, { flag: 'wx' });
  let staleOwner: LockOwner | undefined;
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await placeLock(candidate, lockPath)) return { lockPath, staleOwner, release: () => releaseLock(lockPath, self) };
      const owner = await readOwner(checkpointPath, lockPath);
      if (owner === undefined) continue; // released between our two steps: try again
      if (owner.hostname !== self.hostname || isProcessAlive(owner.pid))
        throw new CheckpointLockedError(checkpointPath, lockPath, owner.pid, owner.hostname);
      // A dead owner's lock: move it aside under our own name, then make sure that what we moved is the lock we judged
      // stale and not one another trainer placed meanwhile (if it is, put it back and report it as held).
      const aside = temporaryPathFor(lockPath);
      try {
        await rename(lockPath, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = await readOwner(checkpointPath, aside);
      if (moved !== undefined && (moved.pid !== owner.pid || moved.hostname !== owner.hostname)) {
        await link(aside, lockPath).catch(() => {});
        await rm(aside, { force: true });
        throw new CheckpointLockedError(checkpointPath, lockPath, moved.pid, moved.hostname);
      }
      await rm(aside, { force: true });
      staleOwner = owner;
    }
    throw new CheckpointError(checkpointPath, 'unreadable', `could not take the lock ${lockPath}: other trainers keep taking it`);
  } finally {
    await rm(candidate, { force: true });
  }
}

/** Links the complete candidate file to the lock path; false when a lock is already there. */
async function placeLock(candidate: string, lockPath: string): Promise<boolean> {
  try {
    await link(candidate, lockPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
  }
  // A file system without hard links: exclusive creation, which a reader may briefly see empty.
  try {
    await writeFile(lockPath, await readFile(candidate), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The lock's owner; undefined when the file is gone. A lock that names no owner is refused, never taken. */
async function readOwner(checkpointPath: string, lockPath: string): Promise<LockOwner | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    if (Number.isSafeInteger(owner.pid) && owner.pid > 0 && typeof owner.hostname === 'string') return owner;
  } catch {}
  throw new CheckpointError(
    checkpointPath,
    'unreadable',
    `its lock file ${lockPath} does not name the trainer that holds it (${JSON.stringify(text.slice(0, 60))}); ` +
      'delete it if no trainer is running',
  );
}

async function releaseLock(lockPath: string, self: LockOwner): Promise<void> {
  const text = await readFile(lockPath, 'utf8').catch(() => '');
  if (text.trim() === JSON.stringify(self)) await rm(lockPath, { force: true });
}
