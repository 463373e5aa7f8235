import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export async function sizeOf(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** A fresh folder inside `parent` (same filesystem, so its contents can be renamed into place atomically). */
export function stagingFolder(parent: string, prefix: string): Promise<string> {
  return mkdtemp(join(parent, `.${prefix}-`));
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
