import { BackendError } from '@lantern/tensor';
import type { WasmRuntime } from './runtime.js';

const alignment = 64;
const smallest = 64;

/**
 * Rounds a request up to its size class: powers of two split into four steps (at most 25% waste). A steady training
 * loop frees and re-requests the same sizes every step, so every request after the first step is served from a free
 * list and linear memory stops growing.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= smallest) return smallest;
  const power = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = power / 4;
  return power + Math.ceil((bytes - power) / step) * step;
}

export interface MemoryStats {
  /** Linear memory size in bytes (only ever grows). */
  readonly memoryBytes: number;
  /** Bytes in live blocks, rounded to their size classes. */
  readonly liveBytes: number;
  readonly liveBlocks: number;
  /** Bytes parked in free lists, ready for reuse. */
  readonly freeBytes: number;
}

/**
 * A size-class allocator over linear memory, run on the main thread only (workers never allocate). Blocks come from
 * per-class free lists, else from a bump pointer; memory grows only when the bump pointer passes its end.
 */
export class LinearAllocator {
  private top: number;
  private readonly live = new Map<number, number>();
  private readonly freeLists = new Map<number, number[]>();
  private freeBytes = 0;
  private liveBytes = 0;
  /** Zero-fills a recycled block; the context swaps in a pool-parallel version for large blocks. */
  clear: (address: number, bytes: number) => void;

  constructor(
    private readonly runtime: WasmRuntime,
    start: number,
  ) {
    this.top = Math.ceil(start / alignment) * alignment;
    this.clear = (address, bytes) => this.runtime.exports.zero(address, bytes);
  }

  /** A zero-filled block of at least `bytes` bytes, 64-byte aligned; returns its address. */
  allocate(bytes: number): number {
    const size = sizeClass(bytes);
    const recycled = this.freeLists.get(size)?.pop();
    let address: number;
    if (recycled !== undefined) {
      address = recycled;
      this.freeBytes -= size;
      this.clear(address, Math.min(bytes, size));
    } else {
      address = this.top;
      this.runtime.ensureCapacity(address + size);
      this.top = address + Math.ceil(size / alignment) * alignment;
    }
    this.live.set(address, size);
    this.liveBytes += size;
    return address;
  }

  free(address: number): void {
    const size = this.live.get(address);
    if (size === undefined) throw new BackendError(`wasm: free of address ${address}, which is not a live allocation`);
    this.live.delete(address);
    this.liveBytes -= size;
    let list = this.freeLists.get(size);
    if (!list) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(address);
    this.freeBytes += size;
  }

  stats(): MemoryStats {
    return {
      memoryBytes: this.runtime.byteLength,
      liveBytes: this.liveBytes,
      liveBlocks: this.live.size,
      freeBytes: this.freeBytes,
    };
  }
}
