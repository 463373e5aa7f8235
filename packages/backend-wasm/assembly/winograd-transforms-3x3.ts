// The F(6×6, 3×3) counterparts of winograd-transforms.ts: the same 8×8 input tiles, interpolation points and Bᵀ
// (inputLine serves both), with G (8×3) for filters and Aᵀ (6×8) for outputs, and their transposes for the weight
// gradient. `scripts/winograd-matrices.py 6 3` derives and checks them. They share their rows' pattern with the 5×5
// ones (Aᵀ row i: 1, ±1, 2^i, ±2^i, 2^-i, ±2^-i; G column k: -2/9, ∓2/9, 2^k/90, ±2^k/90, 32/45·2^-k, …), and one
// loop over i or k could serve both sizes, but measured 18–30% slower at batch 1 (the filter transforms run every
// step), so each size keeps its unrolled lines.

import { scale } from './winograd-transforms';

/** G (8×3): the 3 filter-tap vectors at src + i·srcStep → 8 vectors at dst + i·dstStep. */
@inline export function weightLine3(src: usize, srcStep: usize, dst: usize, dstStep: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + srcStep), g2 = v128.load(src + 2 * srcStep);
  v128.store(dst, f32x4.neg(g0));
  let even = f32x4.add(g0, g2);
  v128.store(dst + dstStep, scale(f32x4.add(even, g1), -2.0 / 9));
  v128.store(dst + 2 * dstStep, scale(f32x4.sub(even, g1), -2.0 / 9));
  even = f32x4.add(scale(g0, 1.0 / 90), scale(g2, 2.0 / 45));
  let odd = scale(g1, 1.0 / 45);
  v128.store(dst + 3 * dstStep, f32x4.add(even, odd));
  v128.store(dst + 4 * dstStep, f32x4.sub(even, odd));
  even = f32x4.add(scale(g0, 32.0 / 45), scale(g2, 8.0 / 45));
  odd = scale(g1, 16.0 / 45);
  v128.store(dst + 5 * dstStep, f32x4.add(even, odd));
  v128.store(dst + 6 * dstStep, f32x4.sub(even, odd));
  v128.store(dst + 7 * dstStep, g2);
}

/** Aᵀ (6×8): the 8 vectors at src + i·srcStep → 6 vectors at dst + i·dstStep. */
@inline export function outputLine6(src: usize, srcStep: usize, dst: usize, dstStep: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + srcStep), m2 = v128.load(src + 2 * srcStep);
  const m3 = v128.load(src + 3 * srcStep), m4 = v128.load(src + 4 * srcStep), m5 = v128.load(src + 5 * srcStep);
  const m6 = v128.load(src + 6 * srcStep), m7 = v128.load(src + 7 * srcStep);
  const sum1 = f32x4.add(m1, m2), difference1 = f32x4.sub(m1, m2);
  const sum2 = f32x4.add(m3, m4), difference2 = f32x4.sub(m3, m4);
  const sum3 = f32x4.add(m5, m6), difference3 = f32x4.sub(m5, m6);
  v128.store(dst, f32x4.add(f32x4.add(m0, sum1), f32x4.add(sum2, sum3)));
  v128.store(dst + dstStep, f32x4.add(f32x4.add(difference1, scale(difference2, 2)), scale(difference3, 0.5)));
  v128.store(dst + 2 * dstStep, f32x4.add(f32x4.add(sum1, scale(sum2, 4)), scale(sum3, 0.25)));
  v128.store(dst + 3 * dstStep, f32x4.add(f32x4.add(difference1, scale(difference2, 8)), scale(difference3, 0.125)));
  v128.store(dst + 4 * dstStep, f32x4.add(f32x4.add(sum1, scale(sum2, 16)), scale(sum3, 0.0625)));
  v128.store(dst + 5 * dstStep, f32x4.add(f32x4.add(f32x4.add(difference1, scale(difference2, 32)), scale(difference3, 0.03125)), m7));
}

/** A (8×6), the transpose of Aᵀ: the 6 vectors at src + i·srcStep → 8 vectors at dst + i·dstStep. */
@inline export function gradientLine6(src: usize, srcStep: usize, dst: usize, dstStep: usize): void {
  const y0 = v128.load(src), y1 = v128.load(src + srcStep), y2 = v128.load(src + 2 * srcStep);
  const y3 = v128.load(src + 3 * srcStep), y4 = v128.load(src + 4 * srcStep), y5 = v128.load(src + 5 * srcStep);
  v128.store(dst, y0);
  let even = f32x4.add(f32x4.add(y0, y2), y4), odd = f32x4.add(f32x4.add(y1, y3), y5);
  v128.store(dst + dstStep, f32x4.add(even, odd));
  v128.store(dst + 2 * dstStep, f32x4.sub(even, odd));
  even = f32x4.add(f32x4.add(y0, scale(y2, 4)), scale(y4, 16));
  odd = f32x4.add(f32x4.add(scale(y1, 2), scale(y3, 8)), scale(y5, 32));
  v128.store(dst + 3 * dstStep, f32x4.add(even, odd));
  v128.store(dst + 4 * dstStep, f32x4.sub(even, odd));
  even = f32x4.add(f32x4.add(y0, scale(y2, 0.25)), scale(y4, 0.0625));
  odd = f32x4.add(f32x4.add(scale(y1, 0.5), scale(y3, 0.125)), scale(y5, 0.03125));
  v128.store(dst + 5 * dstStep, f32x4.add(even, odd));
  v128.store(dst + 6 * dstStep, f32x4.sub(even, odd));
  v128.store(dst + 7 * dstStep, y5);
}

/** Gᵀ (3×8), the transpose of G: the 8 vectors at src + i·srcStep → 3 vectors at dst + i·dstStep. */
@inline export function tapLine3(src: usize, srcStep: usize, dst: usize, dstStep: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + srcStep), m2 = v128.load(src + 2 * srcStep);
  const m3 = v128.load(src + 3 * srcStep), m4 = v128.load(src + 4 * srcStep), m5 = v128.load(src + 5 * srcStep);
  const m6 = v128.load(src + 6 * srcStep), m7 = v128.load(src + 7 * srcStep);
  const sum1 = scale(f32x4.add(m1, m2), -2.0 / 9), difference1 = scale(f32x4.sub(m1, m2), -2.0 / 9);
  const sum2 = f32x4.add(m3, m4), difference2 = f32x4.sub(m3, m4);
  const sum3 = f32x4.add(m5, m6), difference3 = f32x4.sub(m5, m6);
  v128.store(dst, f32x4.add(f32x4.sub(sum1, m0), f32x4.add(scale(sum2, 1.0 / 90), scale(sum3, 32.0 / 45))));
  v128.store(dst + dstStep, f32x4.add(difference1, f32x4.add(scale(difference2, 1.0 / 45), scale(difference3, 16.0 / 45))));
  v128.store(dst + 2 * dstStep, f32x4.add(f32x4.add(sum1, m7), f32x4.add(scale(sum2, 2.0 / 45), scale(sum3, 8.0 / 45))));
}
