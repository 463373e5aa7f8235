import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What a dataset path holds: a file and its size, nothing, or something else (a directory, a device). */
export type PathEntry = { kind: 'file'; size: number } | { kind: 'missing' } | { kind: 'not-a-file' };

/**
 * What is at `path`. Only ENOENT counts as missing: any other failure (permission denied, a file where a folder
 * should be) is thrown as Node's own error, which names the path, so an unreadable dataset is never reported as a
 * missing one (whose fix, downloading it again, would not help).
 */
export async function entryAt(path: string): Promise<PathEntry> {
  try {
    const info = await stat(path);
    return info.isFile() ? { kind: 'file', size: info.size } : { kind: 'not-a-file' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
}

/** The size of the file at `path`; null when nothing or something other than a file is there (see entryAt). */
export async function sizeOf(path: string): Promise<number | null> {
  const entry = await entryAt(path);
  return entry.kind === 'file' ? entry.size : null;
}

/** An error from the file system (it carries the failed call and an errno code), as opposed to damaged data. */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  return error instanceof Error && typeof syscall === 'string' && typeof code === 'string' && code.startsWith('E');
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

// Temporaries carry the writing process's id, so a later run can tell one abandoned by a killed process (its id no
// longer runs) from one another process is still writing, and remove only the former.
const partialFile = /\.partial-(\d+)-[0-9a-f]{8}$/;
const stagingName = /^\.[a-z0-9-]+-extract-(\d+)-[A-Za-z0-9]{6}$/;

/** `path.partial-<pid>-<random>`: where a file is written before it is renamed to `path` once complete. */
export function partialPath(path: string): string {
  return `${path}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * A fresh folder `.<prefix>-<pid>-XXXXXX` inside `parent` (same filesystem, so its contents can be renamed into place
 * atomically). `prefix` must end in `-extract` for removeAbandoned to recognise it.
 */
export function stagingFolder(parent: string, prefix: `${string}-extract`): Promise<string> {
  return mkdtemp(join(parent, `.${prefix}-${process.pid}-`));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}

/** Removes partial files and staging folders in `folder` whose process is gone (killed mid-download or mid-extract). */
export async function removeAbandoned(folder: string): Promise<string[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const abandoned = names.filter((name) => {
    const pid = Number((partialFile.exec(name) ?? stagingName.exec(name))?.[1] ?? Number.NaN);
    return Number.isInteger(pid) && pid !== process.pid && !isRunning(pid);
  });
  await Promise.all(abandoned.map((name) => removeQuietly(join(folder, name))));
  return abandoned;
}

/**
 * Puts the complete folder `ready` at `target`. An old `target` (an incomplete or corrupt copy) is first moved into
 * `trash`, so at every moment `target` is either the old folder or the complete new one, never a mix.
 */
export async function replaceFolder(ready: string, target: string, trash: string): Promise<void> {
  if (await exists(target)) await rename(target, join(trash, 'previous'));
  await rename(ready, target);
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
