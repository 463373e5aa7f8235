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
