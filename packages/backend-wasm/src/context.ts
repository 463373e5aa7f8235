import { LinearAllocator } from './allocator.js';
import { runZero } from './generated/bridge.gen.js';
import { type KernelExports, WasmRuntime } from './runtime.js';
import { chooseSimdVariant, relaxedSimdSupported, type SimdVariant } from './simd.js';
import { ThreadPool } from './thread-pool.js';

/**
 * Named scratch buffers in linear memory (padded inputs, packed operands, per-thread panels). Each keeps the largest
 * size asked of it, so a steady training loop stops reallocating them after its first step.
 */
export class Workspaces {
  private readonly buffers = new Map<string, { address: number; bytes: number }>();

  constructor(private readonly allocator: LinearAllocator) {}

  get(name: string, bytes: number): number {
    const current = this.buffers.get(name);
    if (current && current.bytes >= bytes) return current.address;
    if (current) this.allocator.free(current.address);
    const size = Math.max(bytes, 256);
    const address = this.allocator.allocate(size);
    this.buffers.set(name, { address, bytes: size });
    return address;
  }
}

/** Everything the kernels share: the module instance, its memory, the allocator, the thread pool, scratch. */
export class WasmContext {
  readonly allocator: LinearAllocator;
  readonly pool: ThreadPool;
  readonly workspaces: Workspaces;

  constructor(readonly runtime: WasmRuntime) {
    this.allocator = new LinearAllocator(runtime, runtime.exports.heapBase());
    this.pool = new ThreadPool(runtime, this.allocator);
    this.workspaces = new Workspaces(this.allocator);
    // Recycled activations are megabytes at batch 64: clearing them is worth splitting across the pool.
    const clearSerially = this.allocator.clear;
    const chunkBytes = 256 * 1024;
    this.allocator.clear = (address, bytes) => {
      if (bytes < 4 * chunkBytes || this.pool.threads === 1) clearSerially(address, bytes);
      else runZero(this.pool, { start: address, bytes, chunkBytes }, Math.ceil(bytes / chunkBytes));
    };
  }

  /** The instruction set of the loaded kernels: 'relaxed' (fused multiply-add) or 'simd128'. */
  get simdVariant(): SimdVariant {
    return this.runtime.simdVariant;
  }

  get exports(): KernelExports {
    return this.runtime.exports;
  }

  /**
   * Per-thread scratch of `bytes` each, for every thread of the pool: returns [base, stride]; thread t uses
   * base + t * stride. Call before a dispatch (it may allocate).
   */
  threadScratch(bytes: number): [number, number] {
    const stride = Math.ceil(bytes / 64) * 64;
    return [this.workspaces.get('threads', stride * this.pool.threads), stride];
  }
}

/** A context over the `simdVariant` build of the kernels; by default the one simd 'auto' picks on this engine. */
export async function createContext(
  simdVariant: SimdVariant = chooseSimdVariant('auto', relaxedSimdSupported()),
): Promise<WasmContext> {
  return new WasmContext(await WasmRuntime.create(simdVariant));
}
