import { registerCpuBackend } from '@lantern/backend-cpu';
import { type DType, getBackend, tensor, zeros } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { sizeClass } from './allocator.js';
import { getThreads, memoryStats, registerWasmBackend, setThreads, threadingUnavailableReason } from './index.js';

await registerCpuBackend();
await registerWasmBackend();

describe('wasm storage', () => {
  const backend = getBackend('wasm');

  it('allocates zero-filled storage of every dtype, writes and reads it back', () => {
    const samples: Record<DType, number[]> = {
      float32: [1.5, -2, 3.25],
      float64: [Math.PI, -1e300, 5e-324],
      int32: [7, -2147483648, 2147483647],
      bool: [1, 0, 1],
    };
    for (const [dtype, values] of Object.entries(samples) as Array<[DType, number[]]>) {
      const handle = backend.allocate(5, dtype) as number;
      expect(handle % 64).toBe(0);
      expect(Array.from(backend.readSync!(handle, dtype, 0, 5))).toEqual([0, 0, 0, 0, 0]);
      const array = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array }[dtype].from(values);
      backend.write(handle, array, 2);
      expect(Array.from(backend.readSync!(handle, dtype, 1, 4))).toEqual([0, ...values]);
      backend.free(handle);
    }
  });

  it('reuses freed blocks and clears them before handing them out again', () => {
    const first = backend.allocate(1000, 'float32') as number;
    backend.write(first, new Float32Array(1000).fill(9), 0);
    backend.free(first);
    const second = backend.allocate(900, 'float32') as number;
    expect(second).toBe(first); // same size class
    expect(Array.from(backend.readSync!(second, 'float32', 0, 900)).every((v) => v === 0)).toBe(true);
    backend.free(second);
  });

  it('clears large recycled blocks with the whole pool', () => {
    const size = 2 ** 20;
    const handle = backend.allocate(size, 'float32') as number;
    backend.write(handle, new Float32Array(size).fill(1), 0);
    backend.free(handle);
    const again = backend.allocate(size, 'float32') as number;
    expect(again).toBe(handle);
    expect(backend.readSync!(again, 'float32', 0, size).some((v) => v !== 0)).toBe(false);
    backend.free(again);
  });

  it('rejects a double free with a typed error', () => {
    const handle = backend.allocate(4, 'float32');
    backend.free(handle);
    expect(() => backend.free(handle)).toThrow(/not a live allocation/);
  });

  it('grows linear memory for a large tensor and keeps earlier data intact', () => {
    const small = tensor([1, 2, 3]).to('wasm');
    const before = memoryStats().memoryBytes;
    const big = zeros([(64 * 1024 * 1024) / 4 + 1]).to('wasm');
    expect(memoryStats().memoryBytes).toBeGreaterThan(before);
    expect(small.toArray()).toEqual([1, 2, 3]);
    expect(big.sum().item()).toBe(0);
    big.dispose();
  });

  it('rounds sizes into classes of at most 25% waste', () => {
    for (const bytes of [1, 64, 65, 100, 1000, 4097, 123457, 8 << 20]) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size).toBeLessThanOrEqual(Math.max(64, bytes * 1.25 + 16));
      expect(size % 16).toBe(0);
    }
  });

  it('sets the thread count, and rejects nonsense', () => {
    expect(threadingUnavailableReason()).toBeNull(); // Node has SharedArrayBuffer and worker_threads
    setThreads(3);
    expect(getThreads()).toBe(3);
    setThreads(2);
    expect(() => setThreads(0)).toThrow(/positive integer/);
  });
});
