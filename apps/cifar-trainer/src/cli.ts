import { DatasetNotFoundError } from '@lantern/data/node';
import { SafetensorsError, StateDictError } from '@lantern/nn';
import { CommanderError } from 'commander';
import { BackendNotInstalledError } from './backends.js';
import { CheckpointError, CheckpointLockedError, InterruptedError, OutputPathError } from './errors.js';
import { DivergedError } from './loss-tracker.js';
import { parseOptions, type TrainerOptions, UsageError } from './options.js';
import { humanReporter, jsonReporter } from './report.js';
import { train } from './train.js';

/**
 * Exit statuses (README.md has the table): 0 done; 1 training failed (diverged, non-finite weights, I/O); 2 a user
 * error (bad flags, missing data, a backend not installed, an unusable output path or checkpoint, a checkpoint in
 * use); 130 and 143 stopped by SIGINT or SIGTERM, after checkpointing.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let options: TrainerOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // commander already printed it
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  try {
    const reporter = options.json ? jsonReporter(options.logEvery) : humanReporter({ terminal: process.stdout });
    await train(options, reporter);
    return 0;
  } catch (error) {
    if (error instanceof DatasetNotFoundError) {
      // The library's hint speaks of the `download: true` option; a CLI user needs the flag.
      process.stderr.write(
        `error: CIFAR-10 not found in ${error.folder} (missing ${error.missing.join(', ')}); ` +
          `run again with --download, or point --data at the folder that contains cifar-10-batches-bin/\n`,
      );
      return 2;
    }
    if (error instanceof InterruptedError) {
      process.stderr.write(`${error.message}\n`);
      if (options.json) {
        const { signal, epoch, step, checkpoint } = error;
        process.stdout.write(`${JSON.stringify({ type: 'interrupted', signal, epoch, step, checkpoint })}\n`);
      }
      return error.exitCode;
    }
    // StateDictError and SafetensorsError come from --init: a weights file that is not for this model, or not one.
    const userErrors = [
      BackendNotInstalledError,
      CheckpointError,
      CheckpointLockedError,
      OutputPathError,
      UsageError,
      StateDictError,
      SafetensorsError,
    ];
    if (userErrors.some((type) => error instanceof type)) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      return 2;
    }
    if (error instanceof DivergedError) {
      process.stderr.write(`error: ${error.message}\n`);
      if (options.json)
        process.stdout.write(
          `${JSON.stringify({ type: 'diverged', epoch: error.epoch, step: error.step, loss: String(error.value) })}\n`,
        );
      return 1;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
