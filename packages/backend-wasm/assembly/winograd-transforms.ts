// The three transforms of Winograd's F(4×4, 5×5) convolution (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016): 8×8 input tiles, 4×4 output tiles, interpolation points 0, ±1, ±2, ±1/2 and ∞ (the points NNPACK
// uses for F(6×6, 3×3), whose Bᵀ is the same). `scripts/winograd-matrices.py` derives Bᵀ, G and Aᵀ exactly and checks
// them; each function below is one matrix applied to a line of vectors, written as the even/odd sums its rows share.
// Every lane is an independent channel, so one call transforms four channels at once. Each is @inline: a call per
// line of eight vectors cost as much as the line (the filter transform took 10–20% less time inlined). A 2-D transform is two passes
// of lines: first along one axis into a temporary, then along the other.

@inline export function scale(x: v128, by: f32): v128 {
  return f32x4.mul(x, f32x4.splat(by));
}

/** Bᵀ (8×8): the 8 vectors at src + i·srcStep → 8 vectors at dst + i·dstStep. */
@inline export function inputLine(src: usize, srcStep: usize, dst: usize, dstStep: usize): void {
  const d0 = v128.load(src), d1 = v128.load(src + srcStep), d2 = v128.load(src + 2 * srcStep);
  const d3 = v128.load(src + 3 * srcStep), d4 = v128.load(src + 4 * srcStep), d5 = v128.load(src + 5 * srcStep);
  const d6 = v128.load(src + 6 * srcStep), d7 = v128.load(src + 7 * srcStep);
  v128.store(dst, f32x4.add(f32x4.sub(d6, d0), scale(f32x4.sub(d2, d4), 5.25)));
  let even = f32x4.sub(f32x4.add(d2, d6), scale(d4, 4.25)), odd = f32x4.sub(f32x4.add(d1, d5), scale(d3, 4.25));
  v128.store(dst + dstStep, f32x4.add(even, odd));
  v128.store(dst + 2 * dstStep, f32x4.sub(even, odd));
  even = f32x4.add(f32x4.sub(scale(d2, 0.25), scale(d4, 1.25)), d6);
  odd = f32x4.add(f32x4.sub(scale(d1, 0.5), scale(d3, 2.5)), scale(d5, 2));
  v128.store(dst + 3 * dstStep, f32x4.add(even, odd));
  v128.store(dst + 4 * dstStep, f32x4.sub(even, odd));
  even = f32x4.add(f32x4.sub(scale(d2, 4), scale(d4, 5)), d6);
  odd = f32x4.add(f32x4.sub(scale(d1, 2), scale(d3, 2.5)), scale(d5, 0.5));
  v128.store(dst + 5 * dstStep, f32x4.add(even, odd));
  v128.store(dst + 6 * dstStep, f32x4.sub(even, odd));
  v128.store(dst + 7 * dstStep, f32x4.add(f32x4.sub(d7, d1), scale(f32x4.sub(d3, d5), 5.25)));
}

/** G (8×5): the 5 filter-tap vectors at src + i·srcStep → 8 vectors at dst + i·dstStep. */
@inline export function weightLine(src: usize, srcStep: usize, dst: usize, dstStep: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + srcStep), g2 = v128.load(src + 2 * srcStep);
  const g3 = v128.load(src + 3 * srcStep), g4 = v128.load(src + 4 * srcStep);
  v128.store(dst, f32x4.neg(g0));
  let even = f32x4.add(f32x4.add(g0, g2), g4), odd = f32x4.add(g1, g3);
  v128.store(dst + dstStep, scale(f32x4.add(even, odd), -2.0 / 9));
  v128.store(dst + 2 * dstStep, scale(f32x4.sub(even, odd), -2.0 / 9));
  even = f32x4.add(f32x4.add(scale(g0, 1.0 / 90), scale(g2, 2.0 / 45)), scale(g4, 8.0 / 45));
  odd = f32x4.add(scale(g1, 1.0 / 45), scale(g3, 4.0 / 45));
  v128.store(dst + 3 * dstStep, f32x4.add(even, odd));
  v128.store(dst + 4 * dstStep, f32x4.sub(even, odd));
  even = f32x4.add(f32x4.add(scale(g0, 32.0 / 45), scale(g2, 8.0 / 45)), scale(g4, 2.0 / 45));
  odd = f32x4.add(scale(g1, 16.0 / 45), scale(g3, 4.0 / 45));
  v128.store(dst + 5 * dstStep, f32x4.add(even, odd));
  v128.store(dst + 6 * dstStep, f32x4.sub(even, odd));
  v128.store(dst + 7 * dstStep, g4);
}

/** Aᵀ (4×8): the 8 vectors at src + i·srcStep → 4 vectors at dst + i·dstStep. */
@inline export function outputLine(src: usize, srcStep: usize, dst: usize, dstStep: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + srcStep), m2 = v128.load(src + 2 * srcStep);
  const m3 = v128.load(src + 3 * srcStep), m4 = v128.load(src + 4 * srcStep), m5 = v128.load(src + 5 * srcStep);
  const m6 = v128.load(src + 6 * srcStep), m7 = v128.load(src + 7 * srcStep);
  const sum1 = f32x4.add(m1, m2), difference1 = f32x4.sub(m1, m2);
  const sum2 = f32x4.add(m3, m4), difference2 = f32x4.sub(m3, m4);
  const sum3 = f32x4.add(m5, m6), difference3 = f32x4.sub(m5, m6);
  v128.store(dst, f32x4.add(f32x4.add(m0, sum1), f32x4.add(sum2, sum3)));
  v128.store(dst + dstStep, f32x4.add(f32x4.add(difference1, scale(difference2, 2)), scale(difference3, 0.5)));
  v128.store(dst + 2 * dstStep, f32x4.add(f32x4.add(sum1, scale(sum2, 4)), scale(sum3, 0.25)));
  v128.store(dst + 3 * dstStep, f32x4.add(f32x4.add(f32x4.add(difference1, scale(difference2, 8)), scale(difference3, 0.125)), m7));
}

/** Transposes the 4×4 block of floats held by the four vectors at `at` (16 bytes apart), in place. */
@inline export function transpose4(at: usize): void {
  const r0 = v128.load(at), r1 = v128.load(at, 16), r2 = v128.load(at, 32), r3 = v128.load(at, 48);
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(at, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(at, f32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
  v128.store(at, f32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
  v128.store(at, f32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
}

// The weight gradient runs the forward algorithm transposed: dg = Gᵀ·[(A·dy·Aᵀ) ⊙ (Bᵀ·d·B)]·G, so it needs A (8×4)
// for the output-gradient tiles and Gᵀ (5×8) to bring the 64 products back to 5×5 taps.

/** A (8×4), the transpose of Aᵀ: the 4 vectors at src + i·srcStep → 8 vectors at dst + i·dstStep. */
@inline export function gradientLine(src: usize, srcStep: usize, dst: usize, dstStep: usize): void {
  const y0 = v128.load(src), y1 = v128.load(src + srcStep), y2 = v128.load(src + 2 * srcStep), y3 = v128.load(src + 3 * srcStep);
  v128.store(dst, y0);
  let even = f32x4.add(y0, y2), odd = f32x4.add(y1, y3);
  v128.store(dst + dstStep, f32x4.add(even, odd));
  v128.store(dst + 2 * dstStep, f32x4.sub(even, odd));
  even = f32x4.add(y0, scale(y2, 4));
  odd = f32x4.add(scale(y1, 2), scale(y3, 8));
  v128.store(dst + 3 * dstStep, f32x4.add(even, odd));
  v128.store(dst + 4 * dstStep, f32x4.sub(even, odd));
  even = f32x4.add(y0, scale(y2, 0.25));
  odd = f32x4.add(scale(y1, 0.5), scale(y3, 0.125));
  v128.store(dst + 5 * dstStep, f32x4.add(even, odd));
  v128.store(dst + 6 * dstStep, f32x4.sub(even, odd));
  v128.store(dst + 7 * dstStep, y3);
}

/** Gᵀ (5×8), the transpose of G: the 8 vectors at src + i·srcStep → 5 vectors at dst + i·dstStep. */
@inline export function tapLine(src: usize, srcStep: usize, dst: usize, dstStep: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + srcStep), m2 = v128.load(src + 2 * srcStep);
  const m3 = v128.load(src + 3 * srcStep), m4 = v128.load(src + 4 * srcStep), m5 = v128.load(src + 5 * srcStep);
  const m6 = v128.load(src + 6 * srcStep), m7 = v128.load(src + 7 * srcStep);
  const sum1 = scale(f32x4.add(m1, m2), -2.0 / 9), difference1 = scale(f32x4.sub(m1, m2), -2.0 / 9);
  const sum2 = f32x4.add(m3, m4), difference2 = f32x4.sub(m3, m4);
  const sum3 = f32x4.add(m5, m6), difference3 = f32x4.sub(m5, m6);
  v128.store(dst, f32x4.add(f32x4.sub(sum1, m0), f32x4.add(scale(sum2, 1.0 / 90), scale(sum3, 32.0 / 45))));
  v128.store(dst + dstStep, f32x4.add(difference1, f32x4.add(scale(difference2, 1.0 / 45), scale(difference3, 16.0 / 45))));
  v128.store(dst + 2 * dstStep, f32x4.add(sum1, f32x4.add(scale(sum2, 2.0 / 45), scale(sum3, 8.0 / 45))));
  v128.store(dst + 3 * dstStep, f32x4.add(difference1, f32x4.add(scale(difference2, 4.0 / 45), scale(difference3, 4.0 / 45))));
  v128.store(dst + 4 * dstStep, f32x4.add(f32x4.add(sum1, m7), f32x4.add(scale(sum2, 8.0 / 45), scale(sum3, 2.0 / 45))));
}
