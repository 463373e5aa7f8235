// The dispatch protocol between the calling thread (src/thread-pool.ts) and the workers (worker-main.ts): the words of
// the shared control block, and how a thread claims a chunk. Both sides import it, so there is one copy of it; the
// worker's copy is bundled into its script.

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

/** The claim word that opens a dispatch of `chunks` chunks in generation `generation`. */
export function openingClaim(generation: number, chunks: number): number {
  return ((generation & 0xffff) << 16) | chunks;
}

/**
 * Claims the next chunk of the dispatch of `generation` with one compare-exchange: returns its index, or -1 once none
 * is left. The generation's tag in the claim word keeps a thread that is late from claiming a chunk of the next
 * dispatch while it still holds this one's task and arguments.
 */
export function claimChunk(state: Int32Array, generation: number): number {
  const tag = generation & 0xffff;
  for (;;) {
    const claim = Atomics.load(state, control.claim);
    if (claim >>> 16 !== tag || (claim & 0xffff) === 0) return -1;
    if (Atomics.compareExchange(state, control.claim, claim, claim - 1) === claim) return (claim & 0xffff) - 1;
  }
}
