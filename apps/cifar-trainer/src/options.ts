import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { integer, number, UsageError } from './flag-values.js';
import type { ModelName } from './model.js';
import { addRecipeOptions, checkRecipeOptions, type SchedulerName } from './options-recipes.js';
import { addWatchOptions, checkWatchOptions } from './options-watch.js';

export { integer, UsageError };

export const backendNames = ['cpu', 'wasm', 'webgpu', 'tfjs'] as const;
export const optimizerNames = ['sgd', 'adam', 'adamw', 'rmsprop'] as const;
export const splitNames = ['test', 'train'] as const;

export interface TrainerOptions {
  data: string;
  download: boolean;
  split: (typeof splitNames)[number];
  limit?: number;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: (typeof optimizerNames)[number];
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  shuffle: boolean;
  seed?: number;
  backend: (typeof backendNames)[number];
  threads?: number;
  winograd: boolean;
  init?: string;
  save?: string;
  exportOnnx?: string;
  checkpoint?: string;
  resume: boolean;
  checkpointEvery?: number;
  eval: boolean;
  json: boolean;
  logEvery?: number;
  logdir?: string;
  logHistograms: boolean;
  plot?: string;
  model: ModelName;
  augment: boolean;
  normalize: boolean;
  labelSmoothing: number;
  clipGradNorm?: number;
  /** Train through compile() (trace once, replay); false with --no-compile. Absent: true. */
  compile?: boolean;
  lrScheduler?: SchedulerName;
  stepSize?: number;
  gamma?: number;
  /** Epochs, as the canonical text "10,15". */
  milestones?: string;
  tMax?: number;
  etaMin?: number;
  maxLr?: number;
  pctStart?: number;
  patience?: number;
  factor?: number;
  /**
   * The options set on the command line; the others hold defaults, which on --resume yield to the checkpoint's
   * values. Absent (a library caller's complete options): every option counts as given.
   */
  givenFlags?: ReadonlyArray<keyof TrainerOptions>;
}

/** The trainer's flags, in PyTorch users' vocabulary, defaulting to the course's recipe. */
export function createCommand(): Command {
  const command = new Command('cifar-trainer')
    .description("Trains the course's CIFAR-10 CNN with Lantern, printing each epoch's running loss as the course does.")
    .option('--data <dir>', 'root folder containing cifar-10-batches-bin/', './data')
    .option('--download', 'download CIFAR-10 into --data if it is not there', false)
    .addOption(
      new Option('--split <split>', 'which split to train on (the course trains on test)').choices(splitNames).default('test'),
    )
    .option('--limit <n>', 'train on the first N samples only', integer('--limit', 1))
    .option('--epochs <n>', 'number of epochs', integer('--epochs', 1), 20)
    .option('--batch-size <n>', 'samples per batch', integer('--batch-size', 1), 1)
    .option(
      '--lr <rate>',
      'learning rate',
      number('--lr', (v) => v > 0, 'a number > 0'),
      0.01,
    )
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(optimizerNames).default('sgd'))
    .option(
      '--momentum <m>',
      'momentum (sgd, rmsprop)',
      number('--momentum', (v) => v >= 0, 'a number >= 0'),
      0,
    )
    .option(
      '--weight-decay <w>',
      'weight decay',
      number('--weight-decay', (v) => v >= 0, 'a number >= 0'),
      0,
    )
    .option('--nesterov', 'Nesterov momentum (sgd; needs --momentum > 0)', false)
    .option('--shuffle', 'reshuffle the samples every epoch (the course does not)', false)
    .option('--no-shuffle', 'keep the dataset order (default)')
    .option('--seed <n>', 'seed for initialisation and shuffling (torch.manual_seed)', integer('--seed', 0))
    .addOption(
      new Option('--backend <name>', 'compute backend (wasm: SIMD + threads, about 25x cpu on 2 cores)')
        .choices(backendNames)
        .default('wasm'),
    )
    .option(
      '--threads <n>',
      'threads for wasm (default: one per core; more than the cores are cut to the core count)',
      integer('--threads', 1),
    )
    .option('--no-compile', 'run every step eagerly instead of tracing it once and replaying its kernels')
    .option('--no-winograd', "wasm: direct 5×5 convolutions (PyTorch's rounding) instead of Winograd F(4×4, 5×5)")
    .option('--init <file>', 'initial weights (.safetensors, PyTorch key names)')
    .option('--save <file>', 'write the final weights (.safetensors)')
    .option('--export-onnx <file>', 'after training, write the model as ONNX: input image [N, 3, 32, 32], output logits [N, 10]')
    .option('--checkpoint <file>', 'after every epoch, save model, optimizer and data position to FILE, atomically')
    .option('--resume', 'continue from --checkpoint (when FILE does not exist yet, say so and start at epoch 1)', false)
    .option('--checkpoint-every <n>', 'also checkpoint every N steps, within epochs', integer('--checkpoint-every', 1))
    .option('--eval', 'accuracy and loss on the other split after each epoch, and per class at the end', false)
    .option('--json', 'one JSON object per line instead of human-readable output', false);
  return addWatchOptions(addRecipeOptions(command))
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

/** Combinations that cannot work; checked again on --resume, once the checkpoint's flags are merged in. */
export function checkOptionCombinations(options: TrainerOptions): void {
  if (options.nesterov && (options.momentum <= 0 || options.optimizer !== 'sgd')) {
    throw new UsageError('--nesterov needs --optimizer sgd and --momentum > 0 (as torch.optim.SGD).');
  }
  checkRecipeOptions(options);
}

/** Parses argv (without node and script) into validated options; throws UsageError or commander's errors. */
export function parseOptions(argv: readonly string[]): TrainerOptions {
  // `pnpm train -- --epochs 1` hands the script a literal `--` first.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const command = createCommand();
  command.parse(args, { from: 'user' });
  const options = command.opts<TrainerOptions>();
  options.givenFlags = (Object.keys(options) as Array<keyof TrainerOptions>).filter(
    (key) => command.getOptionValueSource(key) === 'cli',
  );
  checkOptionCombinations(options);
  if (options.resume && !options.checkpoint) throw new UsageError('--resume needs --checkpoint FILE.');
  if (options.checkpointEvery !== undefined && !options.checkpoint)
    throw new UsageError('--checkpoint-every needs --checkpoint FILE.');
  checkWatchOptions(options);
  if (!options.winograd && options.backend !== 'wasm') throw new UsageError('--no-winograd applies to --backend wasm only.');
  return options;
}

/** What reviewOptions found: the options to train with, and one line for each flag that was adjusted or does nothing. */
export interface ReviewedOptions {
  options: TrainerOptions;
  warnings: string[];
}

/**
 * Flags that parse but would not do what they say: --threads beyond the machine's cores (cut to the core count: more
 * threads than cores only contend for them), --threads or --momentum where the backend or optimizer has no use for
 * them, and a --seed that the generator reduces modulo 2^32 (as PyTorch's does), so that it means another seed.
 */
export function reviewOptions(parsed: TrainerOptions, cores = availableParallelism()): ReviewedOptions {
  const options = { ...parsed };
  const warnings: string[] = [];
  const given = new Set(options.givenFlags ?? Object.keys(options));
  if (options.threads !== undefined && options.backend !== 'wasm')
    warnings.push(`--threads ${options.threads} has no effect with --backend ${options.backend} (it sets wasm's threads)`);
  else if (options.threads !== undefined && options.threads > cores) {
    warnings.push(`--threads ${options.threads} is more than the ${cores} cores here: using ${cores} threads`);
    options.threads = cores;
  }
  if (given.has('momentum') && (options.optimizer === 'adam' || options.optimizer === 'adamw'))
    warnings.push(
      `--momentum ${options.momentum} has no effect with --optimizer ${options.optimizer} (Adam's moments follow its betas)`,
    );
  if (options.seed !== undefined && options.seed >= 2 ** 32)
    warnings.push(
      `--seed ${options.seed} seeds the generator as ${options.seed % 2 ** 32}: seeds are taken modulo 2^32, as torch.manual_seed does`,
    );
  return { options, warnings };
}
