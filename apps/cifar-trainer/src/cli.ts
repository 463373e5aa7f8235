import { resolve, sep } from 'node:path';
import { ChecksumError, CorruptDatasetError, DatasetNotFoundError, DownloadError } from '@lantern/data/node';
import { SafetensorsError, StateDictError } from '@lantern/nn';
import { CommanderError } from 'commander';
import { BackendNotInstalledError } from './backends.js';
import {
  CheckpointError,
  CheckpointLockedError,
  describePathProblem,
  InputPathError,
  InterruptedError,
  isPathError,
  NonFiniteWeightsError,
  OutputPathError,
} from './errors.js';
import { DivergedError } from './loss-tracker.js';
import { parseOptions, reviewOptions, type TrainerOptions, UsageError } from './options.js';
import { humanReporter, jsonReporter } from './report.js';
import { train } from './train.js';

/**
 * Runs the trainer and returns its exit status (README.md has the table): 0 done; 1 training failed (diverged,
 * non-finite weights, a failed download, an I/O error such as a full disk) or an internal error; 2 bad input, found
 * before training (flags, data missing, damaged or unreadable, --init, an output path, a checkpoint, a backend not
 * installed); 130 and 143 stopped by SIGINT or SIGTERM, after checkpointing.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed: TrainerOptions;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // commander already printed it
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { options, warnings } = reviewOptions(parsed);
  try {
    const reporter = options.json ? jsonReporter(options.logEvery) : humanReporter({ terminal: process.stdout });
    for (const warning of warnings) reporter.notice(warning);
    await train(options, reporter);
    return 0;
  } catch (error) {
    if (error instanceof InterruptedError) {
      process.stderr.write(`${error.message}\n`);
      if (options.json) {
        const { signal, epoch, step, checkpoint } = error;
        process.stdout.write(`${JSON.stringify({ type: 'interrupted', signal, epoch, step, checkpoint })}\n`);
      }
      return error.exitCode;
    }
    if (error instanceof DivergedError && options.json)
      process.stdout.write(
        `${JSON.stringify({ type: 'diverged', epoch: error.epoch, step: error.step, loss: String(error.value) })}\n`,
      );
    const { message, exitCode } = describeFailure(error, options);
    process.stderr.write(`error: ${message}\n`);
    return exitCode;
  }
}

// Errors about what the user gave: flags, files, data. StateDictError and SafetensorsError reach here only from
// --init (a checkpoint's become CheckpointError), and are named after it below.
const badInput = [BackendNotInstalledError, CheckpointError, CheckpointLockedError, InputPathError, OutputPathError, UsageError];
// Training that started but could not finish; the message says why, and another run may succeed.
const trainingFailures = [DivergedError, NonFiniteWeightsError, DownloadError, ChecksumError];

/** The message (after `error: `) and exit status of what stopped a run. */
export function describeFailure(error: unknown, options: TrainerOptions): { message: string; exitCode: 1 | 2 } {
  if (error instanceof DatasetNotFoundError) {
    // The library's hint speaks of the `download: true` option; a CLI user needs the flag.
    const message =
      `CIFAR-10 not found in ${error.folder} (missing ${error.missing.join(', ')}); ` +
      'run again with --download, or point --data at the folder that contains cifar-10-batches-bin/';
    return { message, exitCode: 2 };
  }
  if (error instanceof CorruptDatasetError) {
    const fix = options.download
      ? 'delete it, and the archive if it is in --data, and run again'
      : 'replace it with the official file, or delete it and run again with --download';
    return { message: `${error.message}; ${fix}`, exitCode: 2 };
  }
  if ((error instanceof SafetensorsError || error instanceof StateDictError) && options.init !== undefined) {
    const named = error.message.includes(options.init) ? error.message : `${options.init}: ${error.message}`;
    return { message: `--init ${named}`, exitCode: 2 };
  }
  if (badInput.some((type) => error instanceof type)) return { message: (error as Error).message, exitCode: 2 };
  if (isPathError(error)) return { message: describePathError(error, options), exitCode: 2 };
  if (trainingFailures.some((type) => error instanceof type)) return { message: (error as Error).message, exitCode: 1 };
  if (error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string')
    return { message: error.message, exitCode: 1 }; // a full disk, an I/O error: the system's own words
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    message: `internal error; please report it, with the command line, at https://github.com/lantern-dl/lantern/issues\n${detail}`,
    exitCode: 1,
  };
}

/** `--FLAG VALUE: [PATH: ]PROBLEM`, naming the flag whose path (or a path inside it) the system refused. */
function describePathError(error: NodeJS.ErrnoException & { code: string }, options: TrainerOptions): string {
  if (error.path === undefined) return error.message;
  const target = resolve(error.path);
  const within = (root: string) => target === resolve(root) || target.startsWith(`${resolve(root)}${sep}`);
  const files: Array<[string, string | undefined]> = [
    ['--init', options.init],
    ['--checkpoint', options.checkpoint],
    ['--save', options.save],
    ['--export-onnx', options.exportOnnx],
    ['--plot', options.plot],
  ];
  const file = files.find(([, path]) => path !== undefined && (target === resolve(path) || target === `${resolve(path)}.lock`));
  const folder = (
    [
      ['--logdir', options.logdir],
      ['--data', options.data],
    ] as Array<[string, string | undefined]>
  ).find(([, path]) => path !== undefined && within(path));
  const [flag, given] = file ?? folder ?? [undefined, undefined];
  const problem = describePathProblem(error.code);
  const hint =
    flag === '--data' && (error.code === 'ENOTDIR' || error.code === 'EEXIST')
      ? '; point --data at the folder that holds cifar-10-batches-bin/'
      : '';
  if (flag === undefined || given === undefined) return `${error.path}: ${problem}`;
  return target === resolve(given) ? `${flag} ${given}: ${problem}${hint}` : `${flag} ${given}: ${error.path}: ${problem}${hint}`;
}
