/** The trainer as a library, for tests and benchmarks: the course model and the training loop. */

export { main } from './cli.js';
export { DivergedError, LossTracker } from './loss-tracker.js';
export { CourseNet } from './model.js';
export { createCommand, parseOptions, type TrainerOptions, UsageError } from './options.js';
export { humanReporter, jsonReporter, type Reporter } from './report.js';
export { type EpochResult, train } from './train.js';
