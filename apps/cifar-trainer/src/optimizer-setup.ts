import type { Module } from '@lantern/nn';
import { Adam, AdamW, type Optimizer, RMSprop, SGD } from '@lantern/optim';
import type { TrainerOptions } from './options.js';

/** The optimizer `--optimizer` names, over every parameter of the model, with the flags' hyperparameters. */
export function createOptimizer(options: TrainerOptions, model: Module): Optimizer {
  const { lr, momentum, weightDecay } = options;
  switch (options.optimizer) {
    case 'sgd':
      return new SGD(model.parameters(), { lr, momentum, weightDecay, nesterov: options.nesterov });
    case 'adam':
      return new Adam(model.parameters(), { lr, weightDecay });
    case 'adamw':
      return new AdamW(model.parameters(), { lr, weightDecay });
    case 'rmsprop':
      return new RMSprop(model.parameters(), { lr, momentum, weightDecay });
  }
}

/**
 * Sets the hyperparameters that the command line may change on resume over what the checkpoint restored. With a
 * learning-rate scheduler the group's lr is the schedule's, and with OneCycleLR its momentum too: those stay.
 */
export function applyHyperparameters(optimizer: Optimizer, options: TrainerOptions, scheduled: readonly string[] = []): void {
  for (const group of optimizer.paramGroups as unknown as Array<Record<string, unknown>>)
    for (const key of ['lr', 'momentum', 'weightDecay', 'nesterov'] as const)
      if (key in group && !scheduled.includes(key)) group[key] = options[key];
}

/**
 * The optimizer and learning rate in a few words, and the schedule if any: [`sgd lr 0.01`], [`sgd lr 0.1`,
 * `cosine schedule`], [`sgd up to lr 0.1`, `onecycle schedule`].
 */
export function describeOptimizer(options: TrainerOptions): string[] {
  if (options.lrScheduler === 'onecycle')
    return [`${options.optimizer} up to lr ${options.maxLr ?? options.lr}`, 'onecycle schedule'];
  const optimizer = `${options.optimizer} lr ${options.lr}`;
  return options.lrScheduler === undefined ? [optimizer] : [optimizer, `${options.lrScheduler} schedule`];
}
