import { madd, min32, threadScratch } from './common';
import { Matmul } from './generated/bridge.gen';
import { ACCUMULATE, OVERWRITE, tile } from './tile';

// The batched matmul primitive, C[b] = A[b] · B[b], for any strides (0 for broadcast, negative for flips). A is read
// in place through the tile's row and step strides. Each chunk packs its block of B into 8-column panels in its own
// scratch, K blocked so a panel (KC × 8 floats, 8 KiB) stays in L1 while the chunk's rows stream past it: reading B
// in place instead, one cache line per k, measured 31 against 45 GFLOP/s at 64×800·800×1024. Chunks of at most 8
// rows read B in place when its rows are contiguous, since packing would cost as much as the product; a few rows
// against a transposed B (x · Wᵀ at batch 1) run as dot products, and K ≤ 4 (gᵀ · x at batch 1) as outer products.
const KC: i32 = 256;

/**
 * One chunk = (batch entry, block of rows, block of columns). Strides are in elements.
 */
export function matmulTask(chunk: i32, thread: i32, args: usize): void {
  const m = Matmul.m(args), n = Matmul.n(args), k = Matmul.k(args);
  const aRow = Matmul.aRowStride(args), aColumn = Matmul.aColumnStride(args);
  const bRow = Matmul.bRowStride(args), bColumn = Matmul.bColumnStride(args), cRow = Matmul.cRowStride(args);
  const blockRows = Matmul.blockRows(args), blockColumns = Matmul.blockColumns(args);
  const rowBlocks = (m + blockRows - 1) / blockRows, columnBlocks = (n + blockColumns - 1) / blockColumns;
  let rest = chunk;
  const columnBlock = rest % columnBlocks; rest /= columnBlocks;
  const rowBlock = rest % rowBlocks;
  const entry = rest / rowBlocks;
  const a = Matmul.a(args) + (<usize>(entry * Matmul.aBatchStride(args)) << 2);
  const b = Matmul.b(args) + (<usize>(entry * Matmul.bBatchStride(args)) << 2);
  const c = Matmul.c(args) + (<usize>(entry * Matmul.cBatchStride(args)) << 2);
  const m0 = rowBlock * blockRows, m1 = min32(m, m0 + blockRows);
  const n0 = columnBlock * blockColumns, n1 = min32(n, n0 + blockColumns);
  const a0 = a;
  if (m1 - m0 <= 4 && aColumn == 1 && bRow == 1 && k >= 16) {
    // A few rows against a transposed B (linear's x · Wᵀ at small batch): contiguous dot products, no packing.
    for (let i = m0; i < m1; i++) {
      for (let j = n0; j < n1; j++) {
        store<f32>(c + (<usize>(i * cRow + j) << 2), dot(a0 + (<usize>(i * aRow) << 2), b + (<usize>(j * bColumn) << 2), k));
      }
    }
    return;
  }
  if (k <= 4 && bColumn == 1) {
    // Outer products (linear's weight gradient at batch 1 has K = 1): a few scaled rows of B per row of C.
    for (let i = m0; i < m1; i++) {
      const row = c + (<usize>(i * cRow) << 2);
      let j = n0;
      if (k == 1) {
        // One scale per row, loaded once, four vectors a step (madd onto zero, as below: the same bits, -0 included).
        const scale = v128.load32_splat(a0 + (<usize>(i * aRow) << 2)), zero = f32x4.splat(0);
        for (; j + 16 <= n1; j += 16) {
          const from = b + (<usize>j << 2), to = row + (<usize>j << 2);
          v128.store(to, madd(scale, v128.load(from), zero));
          v128.store(to, madd(scale, v128.load(from, 16), zero), 16);
          v128.store(to, madd(scale, v128.load(from, 32), zero), 32);
          v128.store(to, madd(scale, v128.load(from, 48), zero), 48);
        }
      }
      for (; j + 4 <= n1; j += 4) {
        let sum = f32x4.splat(0);
        for (let kk = 0; kk < k; kk++) {
          const scale = v128.load32_splat(a0 + (<usize>(i * aRow + kk * aColumn) << 2));
          sum = madd(scale, v128.load(b + (<usize>(kk * bRow + j) << 2)), sum);
        }
        v128.store(row + (<usize>j << 2), sum);
      }
      for (; j < n1; j++) {
        let sum: f32 = 0;
        for (let kk = 0; kk < k; kk++) sum += load<f32>(a0 + (<usize>(i * aRow + kk * aColumn) << 2)) * load<f32>(b + (<usize>(kk * bRow + j) << 2));
        store<f32>(row + (<usize>j << 2), sum);
      }
    }
    return;
  }
  const scratch = threadScratch(Matmul.scratch(args), Matmul.scratchStride(args), thread);
  const edge = scratch, packed = scratch + 256;
  const direct = bColumn == 1 && m1 - m0 <= 8;
  const aRowBytes = <usize>aRow << 2, aStepBytes = <usize>aColumn << 2, ldc = <usize>cRow << 2;

  let k0 = 0;
  do {
    const kc = min32(KC, k - k0);
    const mode = k0 == 0 ? OVERWRITE : ACCUMULATE;
    for (let j = n0; j < n1; j += 8) {
      const cols = min32(8, n1 - j);
      let panel: usize, bStep: usize;
      if (direct && cols == 8) {
        panel = b + (<usize>(k0 * bRow + j) << 2);
        bStep = <usize>bRow << 2;
      } else {
        panel = packed + <usize>((j - n0) >> 3) * <usize>(kc * 32);
        packPanel(b, bRow, bColumn, k0, kc, j, cols, panel);
        bStep = 32;
      }
      for (let i = m0; i < m1; i += 4) {
        tile(kc, a + (<usize>(i * aRow + k0 * aColumn) << 2), aRowBytes, aStepBytes, panel, bStep,
          c + (<usize>(i * cRow + j) << 2), ldc, mode, min32(4, m1 - i), cols, 0, edge);
      }
    }
    k0 += KC;
  } while (k0 < k);
}

/** Σ x[i]·y[i] over contiguous float32 vectors, four f32x4 accumulators wide. */
function dot(x: usize, y: usize, count: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= count; i += 16) {
    const offset = <usize>i << 2;
    s0 = madd(v128.load(x + offset), v128.load(y + offset), s0);
    s1 = madd(v128.load(x + offset, 16), v128.load(y + offset, 16), s1);
    s2 = madd(v128.load(x + offset, 32), v128.load(y + offset, 32), s2);
    s3 = madd(v128.load(x + offset, 48), v128.load(y + offset, 48), s3);
  }
  const sum = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
  let total = f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
  for (; i < count; i++) total += load<f32>(x + (<usize>i << 2)) * load<f32>(y + (<usize>i << 2));
  return total;
}

// B rows [k0, k0 + kc), columns [j, j + cols) → a zero-padded [kc, 8] panel. Lane-outer so a transposed B (row
// stride 1, as in linear's weightᵀ) is read sequentially.
function packPanel(b: usize, bRow: i32, bColumn: i32, k0: i32, kc: i32, j: i32, cols: i32, panel: usize): void {
  if (bColumn == 1 && cols == 8) {
    let from = b + (<usize>(k0 * bRow + j) << 2), to = panel;
    const step = <usize>bRow << 2;
    for (let kk = 0; kk < kc; kk++) {
      v128.store(to, v128.load(from));
      v128.store(to, v128.load(from, 16), 16);
      to += 32;
      from += step;
    }
    return;
  }
  for (let lane = 0; lane < 8; lane++) {
    let to = panel + (<usize>lane << 2);
    if (lane >= cols) {
      for (let kk = 0; kk < kc; kk++) { store<f32>(to, 0); to += 32; }
      continue;
    }
    let from = b + (<usize>(k0 * bRow + (j + lane) * bColumn) << 2);
    const step = <usize>bRow << 2;
    for (let kk = 0; kk < kc; kk++) {
      store<f32>(to, load<f32>(from));
      to += 32;
      from += step;
    }
  }
}
