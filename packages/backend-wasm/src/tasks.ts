/**
 * The parallel tasks the module exports, each `(chunk, thread, args) → void`. Workers receive this list once and
 * dispatch by index, so the main thread names a task by its position here.
 */
export const taskNames = [
  'padTask',
  'convForwardTask',
  'packGradOutputTask',
  'convBackwardWeightTask',
  'matmulTask',
  'maxPoolTask',
  'maxPoolBackwardTask',
  'sgdTask',
  'adamTask',
  'probeTask',
  'zeroTask',
  'transposeWeightsTask',
  'convBackwardInputTask',
  'winogradWeightsTask',
  'winogradInputTask',
  'winogradTask',
  'winogradGradientTask',
  'winogradGradientTransformTask',
  'winogradGradientProductTask',
  'winogradGradientFinishTask',
] as const;
export type TaskName = (typeof taskNames)[number];

/** Slots of the shared control block (Int32 words), read and written only with Atomics. */
export const control = {
  /** Bumped once per dispatch; idle workers wait on it. */
  generation: 0,
  /** (generation & 0xffff) << 16 | chunks still unclaimed: one compare-exchange claims a chunk of this dispatch only. */
  claim: 1,
  done: 2,
  task: 3,
  args: 4,
  total: 5,
  sleepers: 6,
  failed: 7,
  /** Threads allowed to claim chunks (setThreads); workers numbered at or above it stay parked. */
  active: 8,
  /** Workers that have instantiated the module and entered their loop. */
  ready: 9,
  /** Chunks run by workers (not the caller) since the pool started: shows whether workers keep up. */
  workerChunks: 10,
} as const;
export const controlWords = 16;

/** Most chunks one dispatch can carry (the claim word's low 16 bits). */
export const maximumChunks = 0xffff;
