/// <reference types="@webgpu/types" />
import { BackendError } from '@lantern/tensor';
import type { KernelPipeline } from '../bind-groups.js';
import type { Binding } from '../gpu-context.js';
import type { GpuView } from '../layout.js';
import type { KernelRuntime } from '../runtime.js';
import { type BindingDeclaration, declareBindings, floatHelpers } from '../wgsl/common.js';
import { reduce } from './reduce.js';

/** Invocations per workgroup: one output column each. */
const columnsPerWorkgroup = 64;
/**
 * First parameter word a kernel's own loads and stores may use. Words 0..9 are the GEMM header: m, n, k, splits,
 * outer k steps per split, batches, the middle and inner k extents, first column tile, and one spare.
 */
export const kernelWordBase = 10;

/**
 * A matrix product C[batch] = A[batch] · B[batch] whose operands are not stored as matrices. The inner dimension k is
 * walked as three nested counters, k = (outer · middle + inner-middle) · inner + inner-inner (`kExtents`), so that a
 * convolution's k (input channel, kernel row, kernel column) or its weight gradient's (image, output row, output
 * column) needs no integer division inside the loop: on a CPU driver a division by a runtime value is eight scalar
 * divisions per vector, and it dominated these kernels. The kernel supplies WGSL `loadA(batch, row, k, outer, middle,
 * inner)`, `struct ColumnB` with `prepareB(batch, col) -> ColumnB` (what a column's loads share, worked out once per
 * invocation), `loadB(batch, outer, middle, inner, column)` and `storeC(batch, row, col, value)`. Convolutions use it
 * as an implicit GEMM, computing im2col indices inside the loads, so no column matrix is ever materialised.
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
  /** [outer, middle, inner] extents of k; their product is k. */
  readonly kExtents: readonly [number, number, number];
  readonly batches: number;
  /** Parameter words from `kernelWordBase` on. */
  readonly words: readonly number[];
  /**
   * The output as a [batches, m, n] view. When given, a product with few output tiles and a long k is split across
   * workgroups (split-K, along k's outer counter): partial products go to scratch and a sum over the splits writes it.
   */
  readonly splitOutput?: GpuView;
}

/**
 * Each invocation owns one output column and `rows` consecutive rows of it, and all invocations of a workgroup share
 * those rows, so at each k the A operands are the same across the workgroup and the one per-invocation load, B's,
 * feeds `rows` multiply-adds. There is no workgroup memory and no barrier (lavapipe runs eight invocations per AVX2
 * vector and switches coroutines at every barrier). lavapipe still loads a shared A value as an eight-lane gather, and
 * those loads were nine tenths of the time, so where the subgroup size is fixed lane j loads row q · size + j and the
 * subgroup broadcasts it: rows/size loads per k instead of rows. The sums are spelled out one per row so they stay in
 * registers.
 */
function gemmShader(kernel: GemmKernel, split: boolean, rows: number, subgroupSize: number): string {
  const outputName = kernel.declarations[kernel.declarations.length - 1]!.name;
  const store = split
    ? `${outputName}[((split * u32(params[5]) + batch) * u32(params[0]) + row) * u32(params[1]) + col] = value;`
    : 'storeC(batch, row, col, value);';
  const each = (line: (index: number) => string) => Array.from({ length: rows }, (_, index) => line(index)).join('\n');
  const loads = Array.from({ length: subgroupSize ? rows / subgroupSize : 0 }, (_, index) => index);
  // With subgroups, lane j loads row (q · size + j) and the subgroup broadcasts each value to every lane: rows/size
  // loads per k instead of rows, the rest register moves.
  const shared = [
    ...loads.map(
      (q) => `        let a${q} = loadA(batch, min(rowBase + ${q * subgroupSize}u + lane, lastRow), k, outer, middle, inner);`,
    ),
    ...Array.from(
      { length: rows },
      (_, i) => `        sum${i} = sum${i} + subgroupBroadcast(a${Math.floor(i / subgroupSize)}, ${i % subgroupSize}u) * b;`,
    ),
  ].join('\n');
  return `${subgroupSize ? 'enable subgroups;\n' : ''}alias T = ${kernel.type};
${declareBindings(kernel.declarations)}
${floatHelpers}
${kernel.functions}
fn storeResult(batch: u32, split: u32, row: u32, col: u32, value: T) { ${store} }

@compute @workgroup_size(${columnsPerWorkgroup})
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) local: u32${subgroupSize ? ', @builtin(subgroup_invocation_id) lane: u32' : ''}) {
  let rowCount = u32(params[0]);
  let cols = u32(params[1]);
  let splits = u32(params[3]);
  let batch = group.z / splits;
  let split = group.z % splits;
  let middleExtent = u32(params[6]);
  let innerExtent = u32(params[7]);
  let outerStart = split * u32(params[4]);
  let outerEnd = min(u32(params[2]) / max(middleExtent * innerExtent, 1u), outerStart + u32(params[4]));
  let rowBase = group.y * ${rows}u;
  let col = (group.x + u32(params[8])) * ${columnsPerWorkgroup}u + local;
  // Rows and columns past the end load the last row's A and the last column's B (in range, and A stays uniform);
  // their sums are never stored.
  let lastRow = rowCount - 1u;
${each((i) => `${subgroupSize ? '' : `  let row${i} = min(rowBase + ${i}u, lastRow);\n`}  var sum${i} = T(0);`)}
  let column = prepareB(batch, min(col, max(cols, 1u) - 1u));
  var k = outerStart * middleExtent * innerExtent;
  for (var outer = outerStart; outer < outerEnd; outer++) {
    for (var middle = 0u; middle < middleExtent; middle++) {
      for (var inner = 0u; inner < innerExtent; inner++) {
        let b = loadB(batch, outer, middle, inner, column);
${subgroupSize ? shared : each((i) => `        sum${i} = sum${i} + loadA(batch, row${i}, k, outer, middle, inner) * b;`)}
        k++;
      }
    }
  }
  if (col >= cols) { return; }
${each((i) => `  if (rowBase + ${i}u < rowCount) { storeResult(batch, split, rowBase + ${i}u, col, sum${i}); }`)}
}`;
}

/** Rows per invocation: the smallest of 4, 8, 16 or 32 that covers m, so small m wastes little and large m reuses B. */
function rowsFor(m: number): number {
  return m <= 4 ? 4 : m <= 8 ? 8 : m <= 16 ? 16 : 32;
}

const maxWorkgroupsPerDimension = 65535;

/**
 * Dispatches the grid; more column groups than one dimension allows (convolutions over large batches) go out in
 * several dispatches, each told its first group in parameter word 8.
 */
function dispatchColumns(
  runtime: KernelRuntime,
  pipeline: KernelPipeline,
  bindings: readonly Binding[],
  words: number[],
  [columns, rows, depth]: readonly [number, number, number],
): void {
  if (rows > maxWorkgroupsPerDimension || depth > maxWorkgroupsPerDimension) {
    throw new BackendError(
      `backend '${runtime.backendName}': a product of ${rows} row groups and ${depth} batches exceeds WebGPU's ` +
        `${maxWorkgroupsPerDimension} workgroups per dimension`,
    );
  }
  for (let first = 0; first < columns; first += maxWorkgroupsPerDimension) {
    words[8] = first;
    runtime.gpu.dispatch(pipeline, bindings, Int32Array.from(words), [
      Math.min(maxWorkgroupsPerDimension, columns - first),
      rows,
      depth,
    ]);
  }
}

/** How many ways to split k's outer counter: enough workgroups to fill a GPU when the output alone gives few. */
function splitCount(kernel: GemmKernel): number {
  const outer = kernel.kExtents[0];
  if (!kernel.splitOutput || outer < 2) return 1;
  const groups = Math.ceil(kernel.m / rowsFor(kernel.m)) * Math.ceil(kernel.n / columnsPerWorkgroup) * kernel.batches;
  const k = outer * kernel.kExtents[1] * kernel.kExtents[2];
  if (groups >= 64 || k < 1024) return 1;
  return Math.min(outer, Math.ceil(k / 256), Math.ceil(256 / groups), 64);
}

export function runGemm(runtime: KernelRuntime, kernel: GemmKernel): void {
  if (kernel.m === 0 || kernel.n === 0 || kernel.batches === 0) return;
  const [outer, middle, inner] = kernel.kExtents;
  const k = outer * middle * inner;
  const chunk = Math.ceil(outer / splitCount(kernel));
  const splits = Math.max(1, Math.ceil(outer / Math.max(chunk, 1)));
  const words = [kernel.m, kernel.n, k, splits, Math.max(chunk, 1), kernel.batches, middle, inner, 0, 0, ...kernel.words];
  // Subgroup sharing needs whole subgroups of rows: the row count is at least the subgroup size (at most 32).
  const subgroupSize = [4, 8, 16, 32].includes(runtime.gpu.subgroupSize) ? runtime.gpu.subgroupSize : 0;
  const rows = Math.max(rowsFor(kernel.m), subgroupSize);
  const grid: [number, number, number] = [
    Math.ceil(kernel.n / columnsPerWorkgroup),
    Math.ceil(kernel.m / rows),
    kernel.batches * splits,
  ];
  const split = splits > 1;
  const key = `${kernel.key}:${rows}${split ? ':split' : ''}${subgroupSize ? `:subgroup${subgroupSize}` : ''}`;
  const pipeline = runtime.gpu.pipeline(key, () => gemmShader(kernel, split, rows, subgroupSize));
  if (!split) {
    dispatchColumns(runtime, pipeline, kernel.bindings, words, grid);
    return;
  }
  const output = kernel.splitOutput!;
  const size = splits * kernel.batches * kernel.m * kernel.n;
  const scratch = runtime.gpu.pool.acquire(size * 4);
  const bindings = [...kernel.bindings.slice(0, -1), { buffer: scratch.buffer, writable: true }];
  dispatchColumns(runtime, pipeline, bindings, words, grid);
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
