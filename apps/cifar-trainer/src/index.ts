/** The trainer as a library, for tests and benchmarks: the course model and the training loop. */

export {
  readCheckpoint,
  restoreCheckpoint,
  type SavedCheckpoint,
  saveCheckpoint,
  saveWeights,
  type TrainingProgress,
} from './checkpoint.js';
export { acquireCheckpointLock, type CheckpointLock, type LockOwner } from './checkpoint-lock.js';
export { type RecordedFlags, type TrainingState, validateTrainingState } from './checkpoint-state.js';
export { main } from './cli.js';
export { clipGradNorm_ } from './clip-grad-norm.js';
export {
  CheckpointError,
  type CheckpointErrorReason,
  CheckpointLockedError,
  InterruptedError,
  NonFiniteWeightsError,
  OutputPathError,
} from './errors.js';
export { classAccuracyTable, type Evaluation, evaluate } from './evaluate.js';
export { DivergedError, LossTracker } from './loss-tracker.js';
export { CourseNet, type ModelName, modelNames } from './model.js';
export { createCommand, parseOptions, type TrainerOptions, UsageError } from './options.js';
export { type EpochPoint, plotSpecification, writePlot } from './plot.js';
export { type HumanOutput, humanReporter, jsonReporter, type Reporter } from './report.js';
export { TensorBoardLog } from './tensorboard-log.js';
export { type EpochResult, train } from './train.js';
