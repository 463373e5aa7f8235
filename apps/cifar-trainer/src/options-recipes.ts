import { type Command, InvalidArgumentError, Option } from 'commander';
import { flagName, integer, number, UsageError } from './flag-values.js';
import { modelNames } from './model.js';
import type { TrainerOptions } from './options.js';

export const schedulerNames = ['step', 'multistep', 'cosine', 'onecycle', 'plateau'] as const;
export type SchedulerName = (typeof schedulerNames)[number];

/** Each scheduler's parameter flags (option keys), and the ones it cannot do without. */
export const schedulerParameters: Record<
  SchedulerName,
  { flags: Array<keyof TrainerOptions>; required: Array<keyof TrainerOptions> }
> = {
  step: { flags: ['stepSize', 'gamma'], required: ['stepSize'] },
  multistep: { flags: ['milestones', 'gamma'], required: ['milestones'] },
  cosine: { flags: ['tMax', 'etaMin'], required: [] },
  onecycle: { flags: ['maxLr', 'pctStart'], required: [] },
  plateau: { flags: ['patience', 'factor'], required: [] },
};

/** Every scheduler parameter's option key, each once. */
const parameterOptions = [...new Set(schedulerNames.flatMap((name) => schedulerParameters[name].flags))];

/** `--milestones 10,15`: epochs, increasing, kept as the canonical text "10,15" (recorded as such in checkpoints). */
function milestones(value: string): string {
  const parts = value.split(',').map((part) => part.trim());
  const epochs = parts.map(Number);
  if (
    parts.some((part) => !/^\d+$/.test(part)) ||
    epochs.some((epoch, index) => !Number.isSafeInteger(epoch) || epoch < 1 || epoch <= (epochs[index - 1] ?? 0))
  )
    throw new InvalidArgumentError(
      `--milestones must be increasing epochs >= 1 separated by commas (e.g. 10,15), got '${value}'.`,
    );
  return epochs.join(',');
}

/** The recipes users reach for after the course: model, augmentation, normalisation, schedulers, smoothing, clipping. */
export function addRecipeOptions(command: Command): Command {
  const fraction = (name: string) => number(name, (value) => value > 0 && value < 1, 'a number between 0 and 1 (exclusive)');
  return command
    .addOption(
      new Option('--model <name>', 'course: no activations, as the course; course-relu: ReLU; course-bn: BatchNorm and ReLU')
        .choices(modelNames)
        .default('course'),
    )
    .option('--augment', 'RandomCrop(32, padding 4) and RandomHorizontalFlip on the training images', false)
    .option('--normalize', "Normalize with CIFAR-10's mean and std per channel, on every split", false)
    .option(
      '--label-smoothing <s>',
      "CrossEntropyLoss's label_smoothing",
      number('--label-smoothing', (value) => value >= 0 && value <= 1, 'a number from 0 to 1'),
      0,
    )
    .option(
      '--clip-grad-norm <max>',
      "clip the gradients' total 2-norm to MAX before each step (clip_grad_norm_)",
      number('--clip-grad-norm', (value) => value > 0, 'a number > 0'),
    )
    .addOption(new Option('--lr-scheduler <name>', 'learning-rate scheduler (torch.optim.lr_scheduler)').choices(schedulerNames))
    .option('--step-size <n>', 'step: decay every N epochs (StepLR step_size)', integer('--step-size', 1))
    .option(
      '--gamma <g>',
      'step, multistep: decay factor (default 0.1)',
      number('--gamma', (value) => value > 0, 'a number > 0'),
    )
    .option('--milestones <epochs>', 'multistep: epochs to decay at, e.g. 10,15', milestones)
    .option('--t-max <n>', 'cosine: half-period, N epochs (default --epochs)', integer('--t-max', 1))
    .option(
      '--eta-min <lr>',
      'cosine: the lowest learning rate (default 0)',
      number('--eta-min', (value) => value >= 0, 'a number >= 0'),
    )
    .option(
      '--max-lr <lr>',
      'onecycle: the peak learning rate (default --lr)',
      number('--max-lr', (value) => value > 0, 'a number > 0'),
    )
    .option('--pct-start <f>', 'onecycle: fraction of the steps spent warming up (default 0.3)', fraction('--pct-start'))
    .option('--patience <n>', 'plateau: N epochs without improvement before reducing (default 10)', integer('--patience', 0))
    .option('--factor <f>', 'plateau: reduce the learning rate by this factor (default 0.1)', fraction('--factor'));
}

/** A scheduler parameter needs its scheduler; some schedulers need a parameter. */
export function checkRecipeOptions(options: TrainerOptions): void {
  const scheduler = options.lrScheduler;
  for (const key of parameterOptions) {
    if (options[key] === undefined) continue;
    const users = schedulerNames.filter((name) => schedulerParameters[name].flags.includes(key));
    if (scheduler === undefined || !users.includes(scheduler))
      throw new UsageError(`${flagName(key)} applies to --lr-scheduler ${users.join(' or ')}.`);
  }
  for (const key of scheduler === undefined ? [] : schedulerParameters[scheduler].required) {
    if (options[key] === undefined) throw new UsageError(`--lr-scheduler ${scheduler} needs ${flagName(key)}.`);
  }
}
