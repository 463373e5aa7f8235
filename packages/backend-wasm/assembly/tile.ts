// The register-blocked micro-kernel every GEMM-shaped kernel ends in: a 4×8 tile of C held in eight f32x4 registers.
// Measured on this project's machine: 4×8 reaches ~60 GFLOP/s on one core, while 6×8 and 3×16 spill registers in V8's
// TurboFan and run at half that. Addressing is by byte strides so callers can hand in packed panels or plain strided
// rows without copying: A(r, k) at a + r*aRow + k*aStep, B(k, 0..7) at b + k*bStep (8 contiguous floats).
// All three tiles are @inline: each call site's constant arguments (rows, columns, store mode, no bias) fold away and
// the call itself goes, which measured 10–14% on the Winograd convolutions and 15–20% on plain GEMM (BENCHMARKS.md).
// The multiply-adds are common.ts's `madd`: one fused instruction in the relaxed-SIMD build, measured 1.2–1.4× the
// SIMD128 build's multiply and add here (BENCHMARKS.md).

import { madd } from './common';

/** Tile store modes: overwrite C, or add to what C holds (K-blocked and batch-accumulated products). */
export const OVERWRITE: i32 = 0;
export const ACCUMULATE: i32 = 1;

/**
 * C[rows, cols] (+)= A[rows, k] · B[k, cols] (+ bias[row]) for rows ≤ 4, cols ≤ 8. B must have 8 readable floats per
 * k even when cols < 8 (callers zero-pad the last panel); missing A rows repeat the last row and are not stored.
 * `edge` is 128 bytes of the calling thread's scratch, used only for partial tiles. `bias` 0 means none.
 */
@inline export function tile(k: i32, a: usize, aRow: usize, aStep: usize, b: usize, bStep: usize, c: usize, ldc: usize,
  mode: i32, rows: i32, cols: i32, bias: usize, edge: usize): void {
  // Four row pointers stepped each k measured ~5% faster in V8 than one shared offset added to four bases.
  let a0 = a;
  let a1 = rows > 1 ? a0 + aRow : a0;
  let a2 = rows > 2 ? a1 + aRow : a1;
  let a3 = rows > 3 ? a2 + aRow : a2;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let bp = b;
  for (let i = 0; i < k; i++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s = v128.load32_splat(a0);
    c00 = madd(s, b0, c00); c01 = madd(s, b1, c01);
    s = v128.load32_splat(a1);
    c10 = madd(s, b0, c10); c11 = madd(s, b1, c11);
    s = v128.load32_splat(a2);
    c20 = madd(s, b0, c20); c21 = madd(s, b1, c21);
    s = v128.load32_splat(a3);
    c30 = madd(s, b0, c30); c31 = madd(s, b1, c31);
    a0 += aStep; a1 += aStep; a2 += aStep; a3 += aStep;
    bp += bStep;
  }
  if (bias != 0) {
    let s = v128.load32_splat(bias);
    c00 = f32x4.add(c00, s); c01 = f32x4.add(c01, s);
    s = v128.load32_splat(bias + (rows > 1 ? 4 : 0));
    c10 = f32x4.add(c10, s); c11 = f32x4.add(c11, s);
    s = v128.load32_splat(bias + (rows > 2 ? 8 : 0));
    c20 = f32x4.add(c20, s); c21 = f32x4.add(c21, s);
    s = v128.load32_splat(bias + (rows > 3 ? 12 : 0));
    c30 = f32x4.add(c30, s); c31 = f32x4.add(c31, s);
  }
  if (rows == 4 && cols == 8) {
    if (mode == ACCUMULATE) {
      let row = c;
      v128.store(row, f32x4.add(v128.load(row), c00)); v128.store(row, f32x4.add(v128.load(row, 16), c01), 16); row += ldc;
      v128.store(row, f32x4.add(v128.load(row), c10)); v128.store(row, f32x4.add(v128.load(row, 16), c11), 16); row += ldc;
      v128.store(row, f32x4.add(v128.load(row), c20)); v128.store(row, f32x4.add(v128.load(row, 16), c21), 16); row += ldc;
      v128.store(row, f32x4.add(v128.load(row), c30)); v128.store(row, f32x4.add(v128.load(row, 16), c31), 16);
    } else {
      let row = c;
      v128.store(row, c00); v128.store(row, c01, 16); row += ldc;
      v128.store(row, c10); v128.store(row, c11, 16); row += ldc;
      v128.store(row, c20); v128.store(row, c21, 16); row += ldc;
      v128.store(row, c30); v128.store(row, c31, 16);
    }
    return;
  }
  v128.store(edge, c00); v128.store(edge, c01, 16); v128.store(edge, c10, 32); v128.store(edge, c11, 48);
  v128.store(edge, c20, 64); v128.store(edge, c21, 80); v128.store(edge, c30, 96); v128.store(edge, c31, 112);
  for (let r = 0; r < rows; r++) {
    const row = c + <usize>r * ldc, source = edge + <usize>(r * 32);
    for (let j = 0; j < cols; j++) {
      const at = row + <usize>(j << 2);
      const value = load<f32>(source + <usize>(j << 2));
      store<f32>(at, mode == ACCUMULATE ? load<f32>(at) + value : value);
    }
  }
}

/**
 * The same 4×8 tile with B gathered through an offset table instead of a packed panel: B(k, 0..7) is the 8 floats at
 * b + offsets[k] * 4. Convolutions point b at 8 neighbouring output pixels of a padded image and offsets at each
 * kernel tap (c, i, j), so the tile reads the image directly, with no im2col copy. Full tiles only (4 rows, 8 cols).
 */
@inline export function tileGather(k: i32, a: usize, aRow: usize, aStep: usize, b: usize, offsets: usize, c: usize, ldc: usize,
  bias: usize): void {
  let a0 = a, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let offset = offsets;
  const end = offsets + (<usize>k << 2);
  while (offset < end) {
    const bp = b + (<usize>load<i32>(offset) << 2);
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s = v128.load32_splat(a0);
    c00 = madd(s, b0, c00); c01 = madd(s, b1, c01);
    s = v128.load32_splat(a1);
    c10 = madd(s, b0, c10); c11 = madd(s, b1, c11);
    s = v128.load32_splat(a2);
    c20 = madd(s, b0, c20); c21 = madd(s, b1, c21);
    s = v128.load32_splat(a3);
    c30 = madd(s, b0, c30); c31 = madd(s, b1, c31);
    a0 += aStep; a1 += aStep; a2 += aStep; a3 += aStep;
    offset += 4;
  }
  if (bias != 0) {
    let s = v128.load32_splat(bias);
    c00 = f32x4.add(c00, s); c01 = f32x4.add(c01, s);
    s = v128.load32_splat(bias, 4);
    c10 = f32x4.add(c10, s); c11 = f32x4.add(c11, s);
    s = v128.load32_splat(bias, 8);
    c20 = f32x4.add(c20, s); c21 = f32x4.add(c21, s);
    s = v128.load32_splat(bias, 12);
    c30 = f32x4.add(c30, s); c31 = f32x4.add(c31, s);
  }
  let row = c;
  v128.store(row, c00); v128.store(row, c01, 16); row += ldc;
  v128.store(row, c10); v128.store(row, c11, 16); row += ldc;
  v128.store(row, c20); v128.store(row, c21, 16); row += ldc;
  v128.store(row, c30); v128.store(row, c31, 16);
}

/**
 * The tile for weight gradients, reading A straight from a padded image: row t of A is kernel tap offsets[t] (in
 * floats from `a`), and k walks the output pixels, `inner` of them `innerStep` bytes apart per output row, then
 * `outerJump` bytes to the next row. B is a packed panel (8 floats per k), C is always 8 columns wide.
 */
@inline export function tileWindows(outer: i32, inner: i32, a: usize, offsets: usize, rows: i32, innerStep: usize, outerJump: usize,
  b: usize, c: usize, ldc: usize, mode: i32): void {
  let a0 = a + (<usize>load<i32>(offsets) << 2);
  let a1 = rows > 1 ? a + (<usize>load<i32>(offsets, 4) << 2) : a0;
  let a2 = rows > 2 ? a + (<usize>load<i32>(offsets, 8) << 2) : a1;
  let a3 = rows > 3 ? a + (<usize>load<i32>(offsets, 12) << 2) : a2;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let bp = b;
  for (let row = 0; row < outer; row++) {
    for (let i = 0; i < inner; i++) {
      const b0 = v128.load(bp), b1 = v128.load(bp, 16);
      let s = v128.load32_splat(a0);
      c00 = madd(s, b0, c00); c01 = madd(s, b1, c01);
      s = v128.load32_splat(a1);
      c10 = madd(s, b0, c10); c11 = madd(s, b1, c11);
      s = v128.load32_splat(a2);
      c20 = madd(s, b0, c20); c21 = madd(s, b1, c21);
      s = v128.load32_splat(a3);
      c30 = madd(s, b0, c30); c31 = madd(s, b1, c31);
      a0 += innerStep; a1 += innerStep; a2 += innerStep; a3 += innerStep;
      bp += 32;
    }
    a0 += outerJump; a1 += outerJump; a2 += outerJump; a3 += outerJump;
  }
  if (rows == 4) {
    let line = c;
    if (mode == ACCUMULATE) {
      v128.store(line, f32x4.add(v128.load(line), c00)); v128.store(line, f32x4.add(v128.load(line, 16), c01), 16); line += ldc;
      v128.store(line, f32x4.add(v128.load(line), c10)); v128.store(line, f32x4.add(v128.load(line, 16), c11), 16); line += ldc;
      v128.store(line, f32x4.add(v128.load(line), c20)); v128.store(line, f32x4.add(v128.load(line, 16), c21), 16); line += ldc;
      v128.store(line, f32x4.add(v128.load(line), c30)); v128.store(line, f32x4.add(v128.load(line, 16), c31), 16);
    } else {
      v128.store(line, c00); v128.store(line, c01, 16); line += ldc;
      v128.store(line, c10); v128.store(line, c11, 16); line += ldc;
      v128.store(line, c20); v128.store(line, c21, 16); line += ldc;
      v128.store(line, c30); v128.store(line, c31, 16);
    }
    return;
  }
  const accumulate = mode == ACCUMULATE;
  for (let r = 0; r < rows; r++) {
    const line = c + <usize>r * ldc;
    const first = r == 0 ? c00 : r == 1 ? c10 : c20, second = r == 0 ? c01 : r == 1 ? c11 : c21;
    v128.store(line, accumulate ? f32x4.add(v128.load(line), first) : first);
    v128.store(line, accumulate ? f32x4.add(v128.load(line, 16), second) : second, 16);
  }
}
