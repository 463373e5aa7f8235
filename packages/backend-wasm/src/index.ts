/**
 * @lantern/backend-wasm: AssemblyScript SIMD kernels over one shared linear memory, with a worker pool. Importing it
 * starts nothing; `await registerWasmBackend({ threads })` compiles the kernels, starts the workers and registers
 * 'wasm' (the first backend registered becomes the active one).
 * @example
 * import { registerWasmBackend } from '@lantern/backend-wasm';
 * import { randn } from '@lantern/tensor';
 * await registerWasmBackend();
 * randn([64, 128]).matmul(randn([128, 32])).shape; // [64, 32]
 */
import type { MemoryStats } from './allocator.js';
import { winogradSettings } from './kernels/winograd.js';
import { startedContext } from './register-all.js';
import type { SimdVariant } from './simd.js';

export { registerWasmBackend, type WasmBackendOptions } from './register-all.js';
export { RelaxedSimdUnavailableError, relaxedSimdSupported, type SimdChoice, type SimdVariant } from './simd.js';

/**
 * Sets how many threads run each kernel: the calling thread plus n - 1 workers over the shared memory. Where shared
 * memory or a blocking wait is unavailable (no cross-origin isolation, or a browser's main thread) the backend stays
 * single-threaded and says so once.
 * @example
 * setThreads(2);
 */
export function setThreads(count: number): void {
  startedContext('setThreads').pool.setThreads(count);
}

/** Resolves once the workers started by setThreads (or registerWasmBackend) are running; kernels never need to wait for it. */
export function threadsReady(): Promise<void> {
  return startedContext('threadsReady').pool.ready();
}

/** The number of threads each kernel runs on, the calling thread included. */
export function getThreads(): number {
  return startedContext('getThreads').pool.threads;
}

/**
 * The instruction set of the kernels the backend loaded: 'relaxed' (relaxed SIMD, fused multiply-add in the GEMM
 * tiles) or 'simd128' (plain wasm SIMD). Chosen by registerWasmBackend's `simd` option, 'auto' by default.
 * @example
 * getSimdVariant(); // 'relaxed' on Node 22+ and Chrome 114+
 */
export function getSimdVariant(): SimdVariant {
  return startedContext('getSimdVariant').simdVariant;
}

/** Why kernels run single-threaded here, or null when the worker pool is available. */
export function threadingUnavailableReason(): string | null {
  return startedContext('threadingUnavailableReason').pool.unavailableReason;
}

/** Chunks dispatched so far and how many of them worker threads ran (the rest ran on the calling thread). */
export function threadStats(): { dispatchedChunks: number; workerChunks: number } {
  const { pool } = startedContext('threadStats');
  return { dispatchedChunks: pool.dispatchedChunks, workerChunks: pool.workerChunks };
}

/**
 * Whether stride-1 convolutions with 3×3 or 5×5 kernels (float32, one group, channel counts multiples of 8) run as
 * Winograd F(6×6, 3×3) or F(4×4, 5×5): the forward pass, the input gradient and the weight gradient, each doing a
 * fifth to a sixth of the direct loops' multiplications. Its float32 rounding error is about 4e-6 (5×5) to 7e-6 (3×3)
 * of the layer's largest value, some 20–40× the direct loops' (and far below the TF32 rounding PyTorch allows cuDNN
 * by default). On by default; `useWinograd(false)` gives the direct kernels and their numerics.
 * @example
 * useWinograd(false); // the direct convolution kernels
 */
export function useWinograd(enabled: boolean): void {
  winogradSettings.enabled = enabled;
}

/** Linear memory in use: its size (which only grows), live and free-listed bytes. */
export function memoryStats(): MemoryStats {
  return startedContext('memoryStats').allocator.stats();
}

export type { MemoryStats } from './allocator.js';
