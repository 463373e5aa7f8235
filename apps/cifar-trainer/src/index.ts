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
export {
  CheckpointError,
  type CheckpointErrorReason,
  CheckpointLockedError,
  InterruptedError,
  NonFiniteWeightsError,
  OutputPathError,
} from './errors.js';
export { DivergedError, LossTracker } from './loss-tracker.js';
export { CourseNet } from './model.js';
export { createCommand, parseOptions, type TrainerOptions, UsageError } from './options.js';
export { humanReporter, jsonReporter, type Reporter } from './report.js';
export { type EpochResult, train } from './train.js';
