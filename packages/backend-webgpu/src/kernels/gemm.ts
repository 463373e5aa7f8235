/// <reference types="@webgpu/types" />
import { BackendError } from '@lantern/tensor';
import type { Binding } from '../gpu-context.js';
import type { GpuView } from '../layout.js';
import type { KernelRuntime } from '../runtime.js';
import { type BindingDeclaration, declareBindings, floatHelpers } from '../wgsl/common.js';
import { reduce } from './reduce.js';

const tile = 64;
const tileK = 16;
/**
 * First parameter word a kernel's own loads and stores may use. Words 0..7 are the GEMM header: m, n, k, splits, k per
 * split, batches, tile depth, first column tile.
 */
export const kernelWordBase = 8;

/**
 * A matrix product C[batch] = A[batch] · B[batch] whose operands are not stored as matrices: the kernel supplies WGSL
 * `loadA(batch, row, k)`, `struct ColumnB` with `prepareB(batch, col) -> ColumnB` (what a column's loads share, worked
 * out once per invocation), `loadB(batch, k, column)` and `storeC(batch, row, col, value)`. Convolutions use it as an
 * implicit GEMM, computing im2col indices inside the loads, so no column matrix is ever materialised.
 */
export interface GemmKernel {
  readonly key: string;
  readonly type: 'f32' | 'i32';
  /** Declarations in binding order; the last is the output. */
  readonly declarations: readonly BindingDeclaration[];
  readonly bindings: readonly Binding[];
  readonly functions: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batches: number;
  /** Parameter words from index 8 on. */
  readonly words: readonly number[];
  /**
   * The output as a [batches, m, n] view. When given, a product with few output tiles and a long k is split across
   * workgroups (split-K): partial products go to scratch and a sum over the splits writes this view.
   */
  readonly splitOutput?: GpuView;
}

function gemmShader(kernel: GemmKernel, split: boolean, rowsPerThread: number): string {
  const T = kernel.type;
  const tileRows = 16 * rowsPerThread;
  const outputName = kernel.declarations[kernel.declarations.length - 1]!.name;
  const store = split
    ? `${outputName}[((split * u32(params[5]) + batch) * u32(params[0]) + row) * u32(params[1]) + col] = value;`
    : 'storeC(batch, row, col, value);';
  return `alias T = ${T};
${declareBindings(kernel.declarations)}
${floatHelpers}
${kernel.functions}
var<workgroup> tileA: array<array<T, ${tileK}>, ${tileRows}>;
var<workgroup> tileB: array<array<T, ${tile}>, ${tileK}>;
fn storeResult(batch: u32, split: u32, row: u32, col: u32, value: T) { ${store} }

// A ${tileRows}x${tile} output tile per workgroup, 16x16 invocations each owning a ${rowsPerThread}x4 grid of it (rows and
// columns interleaved by 16 so tile reads and output stores are contiguous across neighbouring invocations).
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_id) position: vec3u, @builtin(local_invocation_index) local: u32) {
  let rows = u32(params[0]);
  let cols = u32(params[1]);
  let splits = u32(params[3]);
  let batch = group.z / splits;
  let split = group.z % splits;
  let rowBase = group.y * ${tileRows}u;
  let colBase = (group.x + u32(params[7])) * ${tile}u;
  let kStart = split * u32(params[4]);
  let kEnd = min(u32(params[2]), kStart + u32(params[4]));
  var accumulator: array<array<T, 4>, ${rowsPerThread}>;
  // Each invocation loads B for one column throughout, so everything that depends on the column alone is computed once.
  let columnInRange = colBase + local % ${tile}u < cols;
  let column = prepareB(batch, min(colBase + local % ${tile}u, max(cols, 1u) - 1u));
  for (var k0 = kStart; k0 < kEnd; k0 += ${tileK}u) {
    for (var i = 0u; i < ${rowsPerThread}u; i++) {
      let element = local + i * 256u;
      let row = rowBase + element / ${tileK}u;
      let k = k0 + element % ${tileK}u;
      var value = T(0);
      if (row < rows && k < kEnd) { value = loadA(batch, row, k); }
      tileA[element / ${tileK}u][element % ${tileK}u] = value;
    }
    for (var i = 0u; i < 4u; i++) {
      let k = k0 + local / ${tile}u + i * 4u;
      var value = T(0);
      if (columnInRange && k < kEnd) { value = loadB(batch, k, column); }
      tileB[local / ${tile}u + i * 4u][local % ${tile}u] = value;
    }
    workgroupBarrier();
    // The tile depth comes from a parameter word, not a literal: a constant trip count lets llvmpipe (lavapipe) unroll
    // this loop, which triples its compile time; GPUs lose little, since the inner grid stays unrolled.
    for (var kk = 0u; kk < u32(params[6]); kk++) {
      var left: array<T, ${rowsPerThread}>;
      var right: array<T, 4>;
      for (var i = 0u; i < ${rowsPerThread}u; i++) { left[i] = tileA[position.y + i * 16u][kk]; }
      for (var j = 0u; j < 4u; j++) { right[j] = tileB[kk][position.x + j * 16u]; }
      for (var i = 0u; i < ${rowsPerThread}u; i++) {
        for (var j = 0u; j < 4u; j++) { accumulator[i][j] = accumulator[i][j] + left[i] * right[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${rowsPerThread}u; i++) {
    for (var j = 0u; j < 4u; j++) {
      let row = rowBase + position.y + i * 16u;
      let col = colBase + position.x + j * 16u;
      if (row < rows && col < cols) { storeResult(batch, split, row, col, accumulator[i][j]); }
    }
  }
}`;
}

/** Rows per invocation (1, 2 or 4): a 16-, 32- or 64-row tile, the smallest that covers m, so small m wastes little. */
function rowsPerThreadFor(m: number): number {
  return m <= 16 ? 1 : m <= 32 ? 2 : 4;
}

const maxWorkgroupsPerDimension = 65535;

/**
 * Dispatches the tile grid; more column tiles than one dimension allows (convolutions over large batches) go out in
 * several dispatches, each told its first tile in parameter word 7.
 */
function dispatchTiles(
  runtime: KernelRuntime,
  pipeline: GPUComputePipeline,
  bindings: readonly Binding[],
  words: number[],
  [columns, rows, depth]: readonly [number, number, number],
): void {
  if (rows > maxWorkgroupsPerDimension || depth > maxWorkgroupsPerDimension) {
    throw new BackendError(
      `backend '${runtime.backendName}': a product of ${rows} row tiles and ${depth} batches exceeds WebGPU's ` +
        `${maxWorkgroupsPerDimension} workgroups per dimension`,
    );
  }
  for (let first = 0; first < columns; first += maxWorkgroupsPerDimension) {
    words[7] = first;
    runtime.gpu.dispatch(pipeline, bindings, Int32Array.from(words), [
      Math.min(maxWorkgroupsPerDimension, columns - first),
      rows,
      depth,
    ]);
  }
}

/** How many ways to split k: enough workgroups to fill a GPU when the output alone gives few tiles. */
function splitCount(kernel: GemmKernel): number {
  if (!kernel.splitOutput) return 1;
  const tiles = Math.ceil(kernel.m / (16 * rowsPerThreadFor(kernel.m))) * Math.ceil(kernel.n / tile) * kernel.batches;
  if (tiles >= 64 || kernel.k < 1024) return 1;
  return Math.min(Math.ceil(kernel.k / 256), Math.ceil(256 / tiles), 64);
}

export function runGemm(runtime: KernelRuntime, kernel: GemmKernel): void {
  if (kernel.m === 0 || kernel.n === 0 || kernel.batches === 0) return;
  const requested = splitCount(kernel);
  const chunk = Math.max(tileK, Math.ceil(Math.ceil(kernel.k / requested) / tileK) * tileK);
  const splits = Math.max(1, Math.ceil(kernel.k / chunk));
  const words = [
    kernel.m,
    kernel.n,
    kernel.k,
    splits,
    splits > 1 ? chunk : Math.max(kernel.k, 1),
    kernel.batches,
    tileK,
    0,
    ...kernel.words,
  ];
  const rowsPerThread = rowsPerThreadFor(kernel.m);
  const grid: [number, number, number] = [
    Math.ceil(kernel.n / tile),
    Math.ceil(kernel.m / (16 * rowsPerThread)),
    kernel.batches * splits,
  ];
  const split = splits > 1;
  const key = `${kernel.key}:${rowsPerThread}${split ? ':split' : ''}`;
  const pipeline = runtime.gpu.pipeline(key, () => gemmShader(kernel, split, rowsPerThread));
  if (!split) {
    dispatchTiles(runtime, pipeline, kernel.bindings, words, grid);
    return;
  }
  const output = kernel.splitOutput!;
  const size = splits * kernel.batches * kernel.m * kernel.n;
  const scratch = runtime.gpu.pool.acquire(size * 4);
  const bindings = [...kernel.bindings.slice(0, -1), { buffer: scratch.buffer, writable: true }];
  dispatchTiles(runtime, pipeline, bindings, words, grid);
  const plane = kernel.m * kernel.n;
  const partials: GpuView = {
    handle: { buffer: scratch.buffer, size, dtype: output.dtype, needsZero: false, freed: false },
    dtype: output.dtype,
    shape: [splits, kernel.batches, kernel.m, kernel.n],
    strides: [kernel.batches * plane, plane, kernel.n, 1],
    offset: 0,
  };
  reduce(runtime, 'sum', partials, [0], { ...output, shape: [1, ...output.shape], strides: [0, ...output.strides] });
  runtime.gpu.pool.release(scratch.buffer);
}
