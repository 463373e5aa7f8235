/** The trainer as a library, for tests and benchmarks: the course model and the training loop. */
export { CourseNet } from './model.js';
export { train, type EpochResult } from './train.js';
export { parseOptions, createCommand, UsageError, type TrainerOptions } from './options.js';
export { humanReporter, jsonReporter, type Reporter } from './report.js';
export { DivergedError, LossTracker } from './loss-tracker.js';
export { main } from './cli.js';
