import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `bytes` to `path` so that the path holds either its previous contents or all of the new ones, even across a
 * crash or power loss: the bytes go to a unique temporary file in the same directory (a rename is atomic only within
 * one file system), which is fsynced, then renamed over `path`, and the directory is fsynced so the rename itself is
 * durable. A failure removes the temporary file; a crash may leave it, and `removeLeftoverTemporaries` clears it.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temporaryPath = temporaryPathFor(path);
  try {
    const handle = await open(temporaryPath, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporaryPath, path);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** `.NAME.<pid>.<random>.tmp` beside `path`: unique per writer, hidden, and recognisable as a leftover. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Whether `name` (a file name in `path`'s directory) is a temporary file that a write of `path` made. */
export function isTemporaryFor(path: string, name: string): boolean {
  const prefix = `.${basename(path)}.`;
  return name.startsWith(prefix) && /^\d+\.[0-9a-f]{8}\.tmp$/.test(name.slice(prefix.length));
}

/**
 * Deletes the temporary files that writes of `path` left behind when their process died (a crash, SIGKILL) and
 * returns their paths. A temporary file of a live process is kept: it may be mid-write.
 */
export async function removeLeftoverTemporaries(path: string): Promise<string[]> {
  const directory = dirname(path);
  const prefix = `.${basename(path)}.`;
  const leftovers = (await readdir(directory))
    .filter((name) => isTemporaryFor(path, name) && !isProcessAlive(Number.parseInt(name.slice(prefix.length), 10)))
    .map((name) => join(directory, name));
  for (const leftover of leftovers) await rm(leftover, { force: true });
  return leftovers;
}

/** Whether a process with this id runs on this machine (one that is not ours to signal still counts as running). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes a rename in `directory` durable. Windows cannot open a directory for fsync, and needs no such step. */
async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
