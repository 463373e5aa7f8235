// Helpers the tasks share. A task's signature is (chunk, thread, args): its arguments sit in a block of linear memory
// that the calling thread writes once per dispatch and every thread reads, through the readers generated from the
// task table (./generated/bridge.gen.ts, from src/bridge/task-table.ts).

/** Each thread's private scratch: `base + thread * stride`. The first 128 bytes are the tile's edge buffer. */
@inline export function threadScratch(base: usize, stride: usize, thread: i32): usize {
  return base + <usize>thread * stride;
}

@inline export function min32(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

/**
 * a·b + c, lane-wise. The relaxed-SIMD build (`--enable relaxed-simd`, where the compiler sets
 * ASC_FEATURE_RELAXED_SIMD) emits f32x4.relaxed_madd, which the engine lowers to one fused multiply-add (one rounding)
 * where the CPU has FMA; the SIMD128 build keeps a multiply and an add. One source serves both builds: the constant is
 * known at compile time, so each build compiles only its own branch.
 */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
