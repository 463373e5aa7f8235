/// <reference types="@webgpu/types" />
import {
  allocateArray,
  type Backend,
  type BinaryOp,
  type DType,
  type ElementwiseProgram,
  type ReduceOp,
  type TypedArray,
  type UnaryOp,
} from '@lantern/tensor';
import type { PoolStatistics } from './buffer-pool.js';
import { type CommandStatistics, type ContextOptions, GpuContext } from './gpu-context.js';
import { copy, fill } from './kernels/copy.js';
import { binary, unary, where } from './kernels/elementwise.js';
import { elementwiseProgram } from './kernels/elementwise-program.js';
import { matmul } from './kernels/matmul.js';
import { reduce } from './kernels/reduce.js';
import { type GpuView, storageType, type WebGPUHandle } from './layout.js';
import { KernelRuntime } from './runtime.js';

/**
 * The WebGPU backend over one GPUDevice. Every kernel only records commands; they are submitted in batches and the GPU
 * is waited on only by `read` (core's `await tensor.data()`), so `supportsSyncRead` is false and `dataSync()` throws
 * SyncReadError. Make one with `registerWebGPUBackend()`, which finds an adapter in Node or a browser and registers it.
 */
export class WebGPUBackend implements Backend<WebGPUHandle> {
  readonly specificationVersion = 'v1' as const;
  readonly supportsSyncRead = false;
  readonly runtime: KernelRuntime;
  private readonly gpu: GpuContext;

  constructor(
    readonly device: GPUDevice,
    readonly name = 'webgpu',
    options: ContextOptions = {},
    /** Which adapter the device came from, for messages and benchmarks. */
    readonly adapterDescription = 'unknown adapter',
  ) {
    this.gpu = new GpuContext(device, options);
    this.runtime = new KernelRuntime(this.gpu, name);
  }

  /** True once the device is lost; registerWebGPUBackend() then makes a new backend. */
  get isLost(): boolean {
    return this.gpu.isLost;
  }

  allocate(size: number, dtype: DType): WebGPUHandle {
    storageType(dtype, this.name);
    this.gpu.assertHealthy();
    const { buffer, reused } = this.gpu.pool.acquire(size * 4);
    return { buffer, size, dtype, needsZero: reused, freed: false };
  }

  free(handle: WebGPUHandle): void {
    if (handle.freed) return;
    handle.freed = true;
    if (!this.gpu.isLost) this.gpu.pool.release(handle.buffer);
  }

  write(handle: WebGPUHandle, data: TypedArray, offset: number): void {
    this.runtime.live(handle);
    if (data.length === 0) return;
    // bool is one byte per element on the host and one u32 per element here.
    const words = handle.dtype === 'bool' ? Uint32Array.from(data as Uint8Array) : data;
    if (handle.needsZero && offset === 0 && data.length === handle.size) handle.needsZero = false;
    this.runtime.zeroIfNeeded(handle);
    this.gpu.upload(handle.buffer, offset * 4, new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
  }

  async read(handle: WebGPUHandle, dtype: DType, offset: number, size: number): Promise<TypedArray> {
    this.runtime.live(handle);
    if (size === 0 || handle.needsZero) return allocateArray(dtype, size);
    const bytes = await this.gpu.readBack(handle.buffer, offset * 4, size * 4);
    if (dtype === 'float32') return new Float32Array(bytes);
    if (dtype === 'int32') return new Int32Array(bytes);
    return Uint8Array.from(new Uint32Array(bytes));
  }

  unary(op: UnaryOp, input: GpuView, output: GpuView): void {
    unary(this.runtime, op, input, output);
  }

  binary(op: BinaryOp, a: GpuView, b: GpuView, output: GpuView): void {
    binary(this.runtime, op, a, b, output);
  }

  where(condition: GpuView, a: GpuView, b: GpuView, output: GpuView): void {
    where(this.runtime, condition, a, b, output);
  }

  reduce(op: ReduceOp, input: GpuView, axes: readonly number[], output: GpuView): void {
    reduce(this.runtime, op, input, axes, output);
  }

  copy(source: GpuView, destination: GpuView): void {
    copy(this.runtime, source, destination);
  }

  fill(destination: GpuView, value: number): void {
    fill(this.runtime, destination, value);
  }

  matmul(a: GpuView, b: GpuView, output: GpuView): void {
    matmul(this.runtime, a, b, output);
  }

  /**
   * compile()'s fused elementwise chains, in one dispatch. Past the device's storage-binding limit (more distinct input
   * buffers than maxStorageBuffersPerShaderStage - 2) it runs the steps one kernel each: see kernels/elementwise-program.ts.
   */
  elementwiseProgram(program: ElementwiseProgram, inputs: readonly GpuView[], output: GpuView): void {
    elementwiseProgram(this.runtime, program, inputs, output);
  }

  /** Submits recorded work now without waiting for it (reads do this themselves). */
  flush(): void {
    this.gpu.flush();
  }

  /** Buffer pool and pipeline cache sizes: flat across training steps once the first step has run. */
  memory(): PoolStatistics & { readonly pipelines: number } {
    return { ...this.gpu.pool.statistics(), pipelines: this.gpu.pipelineCount };
  }

  /** Dispatches, submits and bind groups since the device opened: how much host work a training step costs. */
  commandStatistics(): CommandStatistics {
    return this.gpu.statistics();
  }

  /** Releases the device; tensors on this backend become unusable. */
  destroy(): void {
    this.gpu.destroy();
  }
}
