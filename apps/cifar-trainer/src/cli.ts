import { DatasetNotFoundError } from '@lantern/data/node';
import { CommanderError } from 'commander';
import { BackendNotInstalledError } from './backends.js';
import { DivergedError } from './loss-tracker.js';
import { parseOptions, type TrainerOptions, UsageError } from './options.js';
import { humanReporter, jsonReporter } from './report.js';
import { train } from './train.js';

/** Exit statuses: 0 done, 1 training failed (diverged, I/O), 2 bad flags, missing data or a backend not installed. */
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
    await train(options, options.json ? jsonReporter(options.logEvery) : humanReporter());
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
    if (error instanceof BackendNotInstalledError) {
      process.stderr.write(`error: ${error.message}\n`);
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
