import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from './context.js';
import { runProbe as dispatchProbe } from './generated/bridge.gen.js';

describe('thread pool', async () => {
  const context = await createContext();
  afterAll(() => context.pool.terminate());

  function runProbe(chunks: number, work: number, serial = false): Int32Array {
    const out = context.allocator.allocate(chunks * 4);
    dispatchProbe(context.pool, { out, work }, chunks, serial);
    const threads = context.runtime.i32.slice(out >> 2, (out >> 2) + chunks);
    context.allocator.free(out);
    return threads;
  }

  it('runs every chunk exactly once on one thread', () => {
    context.pool.setThreads(1);
    expect([...new Set(runProbe(100, 10))]).toEqual([1]);
  });

  it('runs every chunk exactly once, with workers taking part', async () => {
    context.pool.setThreads(3);
    await context.pool.ready();
    let sawWorker = false;
    for (let attempt = 0; attempt < 20 && !sawWorker; attempt++) {
      const threads = runProbe(2000, 20000);
      // Each chunk adds thread + 1 to its zeroed slot: a chunk run twice or never would leave 0 or a sum > 3.
      expect(threads.every((value) => value >= 1 && value <= 3)).toBe(true);
      sawWorker = threads.some((value) => value > 1);
    }
    expect(sawWorker).toBe(true);
  });

  it('parks workers when the count drops, and the dispatches still complete', () => {
    context.pool.setThreads(1);
    expect(context.pool.threads).toBe(1);
    expect([...new Set(runProbe(500, 100))]).toEqual([1]);
    context.pool.setThreads(2);
    expect(runProbe(500, 100).every((value) => value === 1 || value === 2)).toBe(true);
  });

  it('keeps a serial dispatch on the calling thread, every chunk once', async () => {
    context.pool.setThreads(2);
    await context.pool.ready();
    const before = context.pool.workerChunks;
    expect([...new Set(runProbe(500, 2000, true))]).toEqual([1]);
    expect(context.pool.workerChunks).toBe(before);
  });
});
