/// <reference types="@webgpu/types" />

/** A GPU buffer with the bookkeeping the command batcher needs: its size class and the last batch that used it. */
export interface PooledBuffer {
  readonly buffer: GPUBuffer;
  readonly byteSize: number;
  /** Id of the last command batch that referenced the buffer; writes to it while that batch is open must be queued. */
  lastUsedBatch: number;
}

/**
 * Rounds a request up to its size class: powers of two up to 256 bytes, then four classes per octave, so a reused
 * buffer wastes at most a fifth of its size while sizes that differ slightly (odd batch sizes) still share buffers.
 */
export function sizeClass(byteSize: number): number {
  const bytes = Math.max(byteSize, 16);
  if (bytes <= 256) return 2 ** Math.ceil(Math.log2(bytes));
  const octave = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = octave / 4;
  return Math.ceil(bytes / step) * step;
}

export interface PoolStatistics {
  /** Buffers ever created by the pool (a flat count across training steps means no growth). */
  readonly buffersCreated: number;
  /** Buffers currently held by tensors. */
  readonly buffersInUse: number;
  readonly bytesInUse: number;
  /** Idle buffers waiting for reuse. */
  readonly buffersPooled: number;
  readonly bytesPooled: number;
}

/**
 * Reuses storage buffers by size class. Creating and destroying GPU buffers every op costs far more than the op itself,
 * and a training loop allocates the same sizes every step, so after the first step every request is served from here.
 * Idle bytes above `maxPooledBytes` are destroyed rather than kept.
 */
export class BufferPool {
  private readonly idle = new Map<number, PooledBuffer[]>();
  private created = 0;
  private inUse = 0;
  private inUseBytes = 0;
  private pooledBytes = 0;
  private pooledCount = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly maxPooledBytes: number,
    /** Destroys a buffer once no unsubmitted command references it. */
    private readonly destroy: (buffer: PooledBuffer) => void,
  ) {}

  /** A buffer of at least `byteSize` bytes; `reused` buffers hold stale data, fresh ones are zeroed by WebGPU. */
  acquire(byteSize: number): { buffer: PooledBuffer; reused: boolean } {
    const size = sizeClass(byteSize);
    this.inUse++;
    this.inUseBytes += size;
    const stack = this.idle.get(size);
    const recycled = stack?.pop();
    if (recycled) {
      this.pooledBytes -= size;
      this.pooledCount--;
      return { buffer: recycled, reused: true };
    }
    this.created++;
    const buffer = this.device.createBuffer({ size, usage: this.usage });
    return { buffer: { buffer, byteSize: size, lastUsedBatch: -1 }, reused: false };
  }

  release(buffer: PooledBuffer): void {
    this.inUse--;
    this.inUseBytes -= buffer.byteSize;
    if (this.pooledBytes + buffer.byteSize > this.maxPooledBytes) {
      this.destroy(buffer);
      return;
    }
    let stack = this.idle.get(buffer.byteSize);
    if (!stack) {
      stack = [];
      this.idle.set(buffer.byteSize, stack);
    }
    stack.push(buffer);
    this.pooledBytes += buffer.byteSize;
    this.pooledCount++;
  }

  /** Destroys every idle buffer (memory pressure, or shutting down). */
  trim(): void {
    for (const stack of this.idle.values()) for (const buffer of stack) this.destroy(buffer);
    this.idle.clear();
    this.pooledBytes = 0;
    this.pooledCount = 0;
  }

  statistics(): PoolStatistics {
    return {
      buffersCreated: this.created,
      buffersInUse: this.inUse,
      bytesInUse: this.inUseBytes,
      buffersPooled: this.pooledCount,
      bytesPooled: this.pooledBytes,
    };
  }
}
