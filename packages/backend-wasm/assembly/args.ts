// Kernel arguments travel through linear memory: the main thread writes them once per dispatch (JS side:
// src/thread-pool.ts) and every thread reads the same block, so a task's signature stays (chunk, thread, args).
// Layout: 64 i32 slots, then 16 f64 slots.

@inline export function int(args: usize, slot: i32): i32 {
  return load<i32>(args + (<usize>slot << 2));
}

@inline export function address(args: usize, slot: i32): usize {
  return <usize>load<u32>(args + (<usize>slot << 2));
}

@inline export function real(args: usize, slot: i32): f64 {
  return load<f64>(args + 256 + (<usize>slot << 3));
}

/** Each thread's private scratch: `base + thread * stride`. The first 128 bytes are the tile's edge buffer. */
@inline export function threadScratch(args: usize, baseSlot: i32, thread: i32): usize {
  return address(args, baseSlot) + <usize>thread * address(args, baseSlot + 1);
}

@inline export function min32(a: i32, b: i32): i32 {
  return a < b ? a : b;
}
