// Shared by the micro-benchmarks: best-of timing, the figure least disturbed by other load on a shared machine.

/** Best of several timed repetitions (ms), after a warm-up long enough for V8 to tier the module up. */
export function bestTime(fn, minimumMs = 150) {
  for (let i = 0; i < 3; i++) fn();
  let best = Infinity,
    total = 0;
  for (let runs = 0; total < minimumMs || runs < 5; runs++) {
    const start = performance.now();
    fn();
    const elapsed = performance.now() - start;
    total += elapsed;
    best = Math.min(best, elapsed);
  }
  return best;
}
