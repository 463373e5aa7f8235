import { extname } from 'node:path';
import { type Command, Option } from 'commander';
import { integer, UsageError } from './flag-values.js';
import type { TrainerOptions } from './options.js';

/** The flags that watch a run without changing it: TensorBoard logs and plots. */
export function addWatchOptions(command: Command): Command {
  return command
    .option('--logdir <dir>', "write TensorBoard event files to DIR (then: tensorboard --logdir DIR's parent)")
    .addOption(
      new Option(
        '--log-every <k>',
        'with --logdir: log train/loss (the mean of the last K steps) every K steps (default 100); ' +
          'with --json: a step record every K-th step of each epoch',
      ).argParser(integer('--log-every', 1)),
    )
    .option('--log-histograms', 'with --logdir: histograms of every weight and gradient after each epoch', false)
    .option('--plot <file>', 'draw loss (and with --eval accuracy) per epoch to FILE, .svg or .png, after each epoch');
}

/** Flags that need another to mean anything. */
export function checkWatchOptions(options: TrainerOptions): void {
  if (options.logEvery !== undefined && !options.json && options.logdir === undefined)
    throw new UsageError('--log-every needs --logdir or --json.');
  if (options.logHistograms && options.logdir === undefined) throw new UsageError('--log-histograms needs --logdir DIR.');
  if (options.plot !== undefined && !['.svg', '.png'].includes(extname(options.plot).toLowerCase()))
    throw new UsageError(`--plot ${options.plot}: the file name must end in .svg or .png, which says what to draw.`);
}
