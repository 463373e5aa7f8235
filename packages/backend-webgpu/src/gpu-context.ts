/// <reference types="@webgpu/types" />
import { BackendError } from '@lantern/tensor';
import { BindGroupCache, bindGroupLayoutOf, type KernelPipeline } from './bind-groups.js';
import { BufferPool, type PooledBuffer } from './buffer-pool.js';
import { WebGPUDeviceLostError } from './errors.js';

export interface ContextOptions {
  /** Dispatches recorded before a command buffer is submitted without waiting for a read (default 128). */
  readonly dispatchesPerSubmit?: number;
  /** Idle pooled bytes kept for reuse before buffers are destroyed (default 1 GiB). */
  readonly maxPooledBytes?: number;
  /**
   * The adapter's subgroup size when it is fixed (subgroupMinSize equals subgroupMaxSize) and the device was opened
   * with the 'subgroups' feature. registerWebGPUBackend fills it in from the adapter; passing 0 there keeps the kernels
   * off subgroup operations (the shaders without them, as on adapters whose subgroup size varies).
   */
  readonly subgroupSize?: number;
}

/** Commands recorded and submitted since the context was made: divide by training steps for per-step figures. */
export interface CommandStatistics {
  readonly dispatches: number;
  /** queue.submit calls (batches of recorded work, and the copies of reads). */
  readonly submits: number;
  readonly bindGroupsCreated: number;
  /** Dispatches that reused a bind group made earlier for the same kernel and buffers. */
  readonly bindGroupsReused: number;
}

/** A storage binding of one dispatch: the buffer, and whether the shader writes it. */
export interface Binding {
  readonly buffer: PooledBuffer;
  readonly writable: boolean;
}

const parameterArenaBytes = 1 << 20;
const uploadArenaBytes = 8 << 20;
const storageUsage = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST (constants, so Node needs no GPU globals)
const mapReadUsage = 0x1 | 0x8; // MAP_READ | COPY_DST
const mapModeRead = 0x1;
/** How long a failed read waits for device.lost to settle before it reports a plain read failure. */
const lostSettleMilliseconds = 1000;

/**
 * Owns a device and records work into command batches. Kernels append dispatches; nothing is submitted until the batch
 * is full or a read needs the results, and no call here waits on the GPU except `readBack`. Each dispatch's parameters
 * (shapes, strides, offsets, scalars) go into one per-batch arena uploaded with a single writeBuffer before submit, and
 * writes into buffers that the open batch already uses are staged the same way, so they land in program order.
 */
export class GpuContext {
  readonly pool: BufferPool;
  private readonly pipelines = new Map<string, KernelPipeline>();
  private readonly bindGroups: BindGroupCache;
  private readonly stagingPool: BufferPool;
  private readonly dispatchesPerSubmit: number;
  private readonly parameterAlignment: number;
  private readonly parameterBuffer: GPUBuffer;
  private readonly parameterBytes = new Uint8Array(parameterArenaBytes);
  private parameterUsed = 0;
  private uploadBuffer: GPUBuffer | null = null;
  private readonly uploadBytes = new Uint8Array(uploadArenaBytes);
  private uploadUsed = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatches = 0;
  private deferredDestroys: GPUBuffer[] = [];
  private lostInfo: { reason: string; message: string } | null = null;
  private readonly errors: string[] = [];
  private readonly counts = { dispatches: 0, submits: 0 };
  /** Id of the open (unsubmitted) batch. */
  batch = 0;
  /** Fixed subgroup size the kernels may rely on, or 0 when they must not use subgroup operations. */
  readonly subgroupSize: number;

  constructor(
    readonly device: GPUDevice,
    options: ContextOptions = {},
  ) {
    this.dispatchesPerSubmit = options.dispatchesPerSubmit ?? 128;
    this.subgroupSize = device.features.has('subgroups') ? (options.subgroupSize ?? 0) : 0;
    this.parameterAlignment = Math.max(device.limits.minStorageBufferOffsetAlignment, 16);
    const destroy = (buffer: PooledBuffer) => this.destroyWhenIdle(buffer);
    const destroyBindable = (buffer: PooledBuffer) => {
      this.bindGroups.clear(); // no cached group may bind a destroyed buffer
      destroy(buffer);
    };
    this.pool = new BufferPool(device, storageUsage, options.maxPooledBytes ?? 2 ** 30, destroyBindable);
    this.stagingPool = new BufferPool(device, mapReadUsage, 64 << 20, destroy);
    this.parameterBuffer = device.createBuffer({ size: parameterArenaBytes, usage: 0x80 | 0x8 });
    this.bindGroups = new BindGroupCache(device, this.parameterBuffer);
    void device.lost.then((info) => {
      this.lostInfo = { reason: info.reason, message: info.message };
    });
    device.addEventListener('uncapturederror', (event) => {
      this.errors.push((event as GPUUncapturedErrorEvent).error.message);
    });
  }

  get isLost(): boolean {
    return this.lostInfo !== null;
  }

  /** Throws if the device was lost, or if the GPU reported an error since the last check (validation, out of memory). */
  assertHealthy(): void {
    if (this.lostInfo) throw new WebGPUDeviceLostError(this.lostInfo.reason, this.lostInfo.message);
    if (this.errors.length > 0) {
      const messages = this.errors.splice(0);
      throw new BackendError(`webgpu: the device reported ${messages.length} error(s): ${messages.join('; ')}`);
    }
  }

  /** A compute pipeline from the cache, compiled on first use from the WGSL that `source` returns. */
  pipeline(key: string, source: () => string): KernelPipeline {
    let kernel = this.pipelines.get(key);
    if (!kernel) {
      const code = source();
      const module = this.device.createShaderModule({ label: key, code });
      const layout = bindGroupLayoutOf(this.device, code);
      const pipelineLayout = this.device.createPipelineLayout({ label: key, bindGroupLayouts: [layout] });
      const pipeline = this.device.createComputePipeline({
        label: key,
        layout: pipelineLayout,
        compute: { module, entryPoint: 'main' },
      });
      kernel = { pipeline, layout, id: this.pipelines.size };
      this.pipelines.set(key, kernel);
    }
    return kernel;
  }

  statistics(): CommandStatistics {
    return { ...this.counts, bindGroupsCreated: this.bindGroups.created, bindGroupsReused: this.bindGroups.reused };
  }

  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /**
   * Records one dispatch. Bindings take slots 0..n-1 in order and the parameters (as i32 words) take slot n.
   * A count of workgroups beyond the 65535-per-dimension limit spills into y (shaders rebuild the linear id from
   * num_workgroups); a [x, y, z] grid is dispatched as given.
   */
  dispatch(
    kernel: KernelPipeline,
    bindings: readonly Binding[],
    parameters: Int32Array,
    workgroups: number | readonly [number, number, number],
  ): void {
    this.assertHealthy();
    const x = typeof workgroups === 'number' ? Math.min(workgroups, 65535) : workgroups[0];
    const y = typeof workgroups === 'number' ? Math.ceil(workgroups / x) : workgroups[1];
    const z = typeof workgroups === 'number' ? 1 : workgroups[2];
    if (x === 0 || y === 0 || z === 0) return;
    const parameterSize = Math.max(parameters.byteLength, 16);
    let at = align(this.parameterUsed, this.parameterAlignment);
    if (at + parameterSize > parameterArenaBytes) {
      this.flush();
      at = 0;
    }
    this.parameterBytes.set(new Uint8Array(parameters.buffer, parameters.byteOffset, parameters.byteLength), at);
    this.parameterUsed = at + parameterSize;
    const buffers = bindings.map((binding) => {
      binding.buffer.lastUsedBatch = this.batch;
      return binding.buffer.buffer;
    });
    const pass = this.computePass();
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, this.bindGroups.get(kernel, buffers, parameterSize), [at]);
    pass.dispatchWorkgroups(x, y, z);
    this.counts.dispatches++;
    if (++this.dispatches >= this.dispatchesPerSubmit) this.flush();
  }

  /** Zeroes a byte range in program order. */
  clear(target: PooledBuffer, byteOffset: number, byteSize: number): void {
    if (byteSize === 0) return;
    this.copyEncoder().clearBuffer(target.buffer, byteOffset, byteSize);
    target.lastUsedBatch = this.batch;
  }

  copyBuffer(source: PooledBuffer, sourceOffset: number, target: PooledBuffer, targetOffset: number, byteSize: number): void {
    if (byteSize === 0) return;
    this.copyEncoder().copyBufferToBuffer(source.buffer, sourceOffset, target.buffer, targetOffset, byteSize);
    source.lastUsedBatch = target.lastUsedBatch = this.batch;
  }

  /** Writes host bytes so that they land after every command recorded so far and before every later one. */
  upload(target: PooledBuffer, byteOffset: number, bytes: Uint8Array): void {
    this.assertHealthy();
    if (bytes.byteLength === 0) return;
    const source = plainBytes(bytes);
    if (target.lastUsedBatch !== this.batch) {
      // Nothing unsubmitted touches the buffer, so the queue's own ordering is enough.
      this.device.queue.writeBuffer(target.buffer, byteOffset, source);
      return;
    }
    if (bytes.byteLength > uploadArenaBytes / 2) {
      this.flush();
      this.device.queue.writeBuffer(target.buffer, byteOffset, source);
      return;
    }
    const at = align(this.uploadUsed, 16);
    if (at + bytes.byteLength > uploadArenaBytes) {
      this.flush();
      this.device.queue.writeBuffer(target.buffer, byteOffset, source);
      return;
    }
    this.uploadBytes.set(bytes, at);
    this.uploadUsed = at + bytes.byteLength;
    this.uploadBuffer ??= this.device.createBuffer({ size: uploadArenaBytes, usage: 0x4 | 0x8 });
    this.copyEncoder().copyBufferToBuffer(this.uploadBuffer, at, target.buffer, byteOffset, bytes.byteLength);
  }

  /** Submits the open batch (without waiting for it). */
  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.pass = null;
    const queue = this.device.queue;
    if (this.parameterUsed > 0) queue.writeBuffer(this.parameterBuffer, 0, this.parameterBytes, 0, align(this.parameterUsed, 4));
    if (this.uploadUsed > 0) queue.writeBuffer(this.uploadBuffer!, 0, this.uploadBytes, 0, align(this.uploadUsed, 4));
    queue.submit([this.encoder.finish()]);
    this.counts.submits++;
    this.encoder = null;
    this.parameterUsed = this.uploadUsed = this.dispatches = 0;
    this.batch++;
    for (const buffer of this.deferredDestroys.splice(0)) buffer.destroy();
  }

  /** Copies a byte range back to the host: the only call that waits on the GPU. */
  async readBack(source: PooledBuffer, byteOffset: number, byteSize: number): Promise<ArrayBuffer> {
    this.assertHealthy();
    this.flush();
    const { buffer: staging } = this.stagingPool.acquire(byteSize);
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(source.buffer, byteOffset, staging.buffer, 0, byteSize);
    this.device.queue.submit([encoder.finish()]);
    this.counts.submits++;
    try {
      await staging.buffer.mapAsync(mapModeRead, 0, byteSize);
    } catch (error) {
      // A read in flight when the device goes fails ("unmapped before mapping was resolved") before device.lost has
      // settled: give it a moment, so that the caller learns the device was lost rather than that a read failed.
      await Promise.race([this.device.lost, new Promise((resolve) => setTimeout(resolve, lostSettleMilliseconds))]);
      this.assertHealthy();
      throw new BackendError(`webgpu: reading ${byteSize} bytes back failed: ${(error as Error).message}`);
    }
    const copy = staging.buffer.getMappedRange(0, byteSize).slice(0);
    staging.buffer.unmap();
    this.stagingPool.release(staging);
    this.assertHealthy();
    return copy;
  }

  destroy(): void {
    this.flush();
    this.pool.trim();
    this.stagingPool.trim();
    this.device.destroy();
  }

  private destroyWhenIdle(buffer: PooledBuffer): void {
    if (buffer.lastUsedBatch === this.batch && this.encoder) this.deferredDestroys.push(buffer.buffer);
    else buffer.buffer.destroy();
  }

  private computePass(): GPUComputePassEncoder {
    this.pass ??= this.openEncoder().beginComputePass();
    return this.pass;
  }

  private copyEncoder(): GPUCommandEncoder {
    this.pass?.end();
    this.pass = null;
    return this.openEncoder();
  }

  private openEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }
}

/** writeBuffer takes bytes over a plain ArrayBuffer; data over a SharedArrayBuffer (worker-filled batches) is copied. */
function plainBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

export function align(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
