import { open, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { temporaryPathFor } from './atomic-file.js';
import { OutputPathError } from './errors.js';
import { type TrainerOptions, UsageError } from './options.js';

/**
 * Checks, before any data is read or any step is taken, that every file the run will write can be written: its
 * directory exists, is a directory and accepts a new file (tried for real, since permission bits do not tell the
 * whole story: root, read-only mounts, ACLs), and the path itself is not a directory. A run must not train for an
 * epoch and then fail to save it.
 */
export async function checkOutputPaths(options: Pick<TrainerOptions, 'save' | 'checkpoint'>): Promise<void> {
  const outputs: Array<[string, string]> = [];
  if (options.save !== undefined) outputs.push(['--save', options.save]);
  if (options.checkpoint !== undefined) outputs.push(['--checkpoint', options.checkpoint]);
  if (options.save !== undefined && options.checkpoint !== undefined && resolve(options.save) === resolve(options.checkpoint))
    throw new UsageError(`--save and --checkpoint both name ${options.save}: the final weights would replace the checkpoint`);
  for (const [flag, path] of outputs) await checkOutputPath(flag, path);
}

async function checkOutputPath(flag: string, path: string): Promise<void> {
  const directory = dirname(resolve(path));
  const target = await stat(path).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : error));
  if (target instanceof Error && target.code !== 'ENOTDIR')
    throw new OutputPathError(flag, path, `cannot be checked (${target.code})`);
  if (target !== undefined && !(target instanceof Error) && target.isDirectory())
    throw new OutputPathError(flag, path, 'is a directory; give a file name');
  const folder = await stat(directory).catch((error: NodeJS.ErrnoException) => error);
  if (folder instanceof Error) {
    const detail =
      folder.code === 'ENOENT'
        ? 'does not exist'
        : folder.code === 'ENOTDIR'
          ? 'is not a directory'
          : `cannot be read (${folder.code})`;
    throw new OutputPathError(flag, path, `its directory ${directory} ${detail}`);
  }
  if (!folder.isDirectory()) throw new OutputPathError(flag, path, `its directory ${directory} is not a directory`);
  const probe = temporaryPathFor(resolve(path));
  try {
    await (await open(probe, 'wx')).close();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OutputPathError(flag, path, `cannot create files in ${directory} (${code ?? (error as Error).message})`);
  } finally {
    await rm(probe, { force: true });
  }
}
