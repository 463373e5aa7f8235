import { open, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { temporaryPathFor } from './atomic-file.js';
import { describePathProblem, InputPathError, OutputPathError } from './errors.js';
import { type TrainerOptions, UsageError } from './options.js';

/**
 * Checks, before any data is read or any step is taken, that every file the run will write can be written: its
 * directory exists, is a directory and accepts a new file (tried for real, since permission bits do not tell the
 * whole story: root, read-only mounts, ACLs), and the path itself is not a directory. A run must not train for an
 * epoch and then fail to save it.
 */
export async function checkOutputPaths(
  options: Pick<TrainerOptions, 'save' | 'exportOnnx' | 'checkpoint' | 'plot' | 'logdir'>,
): Promise<void> {
  const outputs: Array<[string, string]> = [];
  if (options.save !== undefined) outputs.push(['--save', options.save]);
  if (options.exportOnnx !== undefined) outputs.push(['--export-onnx', options.exportOnnx]);
  if (options.checkpoint !== undefined) outputs.push(['--checkpoint', options.checkpoint]);
  if (options.plot !== undefined) outputs.push(['--plot', options.plot]);
  for (const [index, [flag, path]] of outputs.entries()) {
    const same = outputs.slice(index + 1).find(([, other]) => resolve(other) === resolve(path));
    if (same) throw new UsageError(`${flag} and ${same[0]} both name ${path}: one output would replace the other`);
  }
  for (const [flag, path] of outputs) await checkOutputPath(flag, path);
  if (options.logdir !== undefined) await checkOutputDirectory('--logdir', options.logdir);
}

/**
 * A directory the run will create if needed and write files into (TensorBoard's --logdir): it must be a directory
 * if it exists, and otherwise its nearest existing ancestor must be a directory that accepts new entries.
 */
async function checkOutputDirectory(flag: string, path: string): Promise<void> {
  let existing = resolve(path);
  for (;;) {
    const found = await stat(existing).catch((error: NodeJS.ErrnoException) => error);
    if (!(found instanceof Error)) {
      if (!found.isDirectory())
        throw new OutputPathError(
          flag,
          path,
          existing === resolve(path) ? 'is a file, not a directory' : `${existing} is a file`,
        );
      break;
    }
    if (found.code === 'ENOTDIR') throw new OutputPathError(flag, path, 'a part of the path is a file, not a directory');
    if (found.code !== 'ENOENT') throw new OutputPathError(flag, path, `cannot be checked (${found.code})`);
    existing = dirname(existing);
  }
  await probe(flag, path, temporaryPathFor(join(existing, basename(path))), existing);
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
  await probe(flag, path, temporaryPathFor(resolve(path)), directory);
}

/** Creates and removes a file at `probePath`, in `directory`: the one test of writability that does not lie. */
async function probe(flag: string, path: string, probePath: string, directory: string): Promise<void> {
  try {
    await (await open(probePath, 'wx')).close();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OutputPathError(flag, path, `cannot create files in ${directory} (${code ?? (error as Error).message})`);
  } finally {
    await rm(probePath, { force: true });
  }
}

/**
 * Checks the files the run will read, before anything else runs: `--init` must be a file this process can open.
 * (The data folder is the dataset reader's to check: it tells a missing dataset from an unreadable one.)
 */
export async function checkInputPaths(options: Pick<TrainerOptions, 'init'>): Promise<void> {
  if (options.init === undefined) return;
  const found = await stat(options.init).catch((error: NodeJS.ErrnoException) => error);
  if (found instanceof Error) throw new InputPathError('--init', options.init, describePathProblem(found.code));
  if (!found.isFile()) throw new InputPathError('--init', options.init, describePathProblem('EISDIR'));
  // A weights file is read whole, and Node reads at most 2 GiB at once (the course CNN's weights are 0.4 MB).
  if (found.size > 2 ** 31 - 1)
    throw new InputPathError(
      '--init',
      options.init,
      `is ${found.size} bytes, more than a weights file read whole may hold (2 GiB)`,
    );
  try {
    await (await open(options.init, 'r')).close();
  } catch (error) {
    throw new InputPathError('--init', options.init, describePathProblem((error as NodeJS.ErrnoException).code));
  }
}
