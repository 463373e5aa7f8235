/** Learning-rate schedulers with torch.optim.lr_scheduler's (torch 1.13) formulas, exported as `lrScheduler`. */

export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export { LambdaLR, type LambdaLROptions, type LrLambda } from './lambda-lr.js';
export { LinearLR, type LinearLROptions } from './linear-lr.js';
export { LRScheduler, type LRSchedulerOptions, type Scheduler, type SchedulerStateDict } from './lr-scheduler.js';
export { OneCycleLR, type OneCycleLROptions, type Phase } from './one-cycle-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { SequentialLR, type SequentialLROptions } from './sequential-lr.js';
export {
  ExponentialLR,
  type ExponentialLROptions,
  MultiStepLR,
  type MultiStepLROptions,
  StepLR,
  type StepLROptions,
} from './step-decay.js';
