// float32 reduction rows with float64 accumulators, as the cpu reference accumulates. JS walks the input against the
// accumulator (src/kernels/reduce.ts); a row either folds into one accumulator (step 0) or adds elementwise into a
// row of accumulators.

/** Σ x[i*step] in f64; contiguous rows add f32x4 loads into f64x2 lane pairs. */
export function sumRowF32(x: usize, step: i32, count: i32): f64 {
  let i = 0, total: f64 = 0;
  if (step == 1 && count >= 8) {
    let low = f64x2.splat(0), high = f64x2.splat(0), low2 = f64x2.splat(0), high2 = f64x2.splat(0);
    // Two loads per step into four accumulators: one chain of f64x2 adds would wait on its own latency.
    for (; i + 8 <= count; i += 8) {
      const v = v128.load(x + (<usize>i << 2)), w = v128.load(x + (<usize>i << 2) + 16);
      low = f64x2.add(low, f64x2.promote_low_f32x4(v));
      high = f64x2.add(high, f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1)));
      low2 = f64x2.add(low2, f64x2.promote_low_f32x4(w));
      high2 = f64x2.add(high2, f64x2.promote_low_f32x4(v128.shuffle<i32>(w, w, 2, 3, 0, 1)));
    }
    low = f64x2.add(low, low2);
    high = f64x2.add(high, high2);
    for (; i + 4 <= count; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      low = f64x2.add(low, f64x2.promote_low_f32x4(v));
      high = f64x2.add(high, f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1)));
    }
    const sum = f64x2.add(low, high);
    total = f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
  }
  for (; i < count; i++) total += <f64>load<f32>(x + (<usize>(i * step) << 2));
  return total;
}

/** accumulator[i*accumulatorStep] += x[i*step] (accumulator f64). */
export function accumulateRowF32(accumulator: usize, accumulatorStep: i32, x: usize, step: i32, count: i32): void {
  for (let i = 0; i < count; i++) {
    const at = accumulator + (<usize>(i * accumulatorStep) << 3);
    store<f64>(at, load<f64>(at) + <f64>load<f32>(x + (<usize>(i * step) << 2)));
  }
}

/** Running max (isMax) or min into f64 accumulators; NaN wins and stays, as torch.amax. */
export function extremeRowF32(isMax: i32, accumulator: usize, accumulatorStep: i32, x: usize, step: i32, count: i32): void {
  for (let i = 0; i < count; i++) {
    const at = accumulator + (<usize>(i * accumulatorStep) << 3);
    const value = <f64>load<f32>(x + (<usize>(i * step) << 2)), current = load<f64>(at);
    if (value != value || (isMax ? value > current : value < current)) store<f64>(at, value);
  }
}

export function fillF64(y: usize, count: i32, value: f64): void {
  for (let i = 0; i < count; i++) store<f64>(y + (<usize>i << 3), value);
}

/** Rounds f64 accumulators into a float32 row. */
export function storeF64AsF32(source: usize, y: usize, yStep: i32, count: i32): void {
  for (let i = 0; i < count; i++) store<f32>(y + (<usize>(i * yStep) << 2), <f32>load<f64>(source + (<usize>i << 3)));
}

/**
 * output[m] = Σ_o Σ_i input[o, m, i] for a contiguous float32 input [outer, middle, inner], walked as the row walk in
 * src/kernels/reduce.ts walks it (o outer, each row's float64 sum added to its m's running total), so the result is
 * bitwise the same, in one call instead of one call per row. `totals` holds `middle` float64 running sums.
 */
export function sumAcrossF32(input: usize, output: usize, totals: usize, outer: i32, middle: i32, inner: i32): void {
  for (let m = 0; m < middle; m++) store<f64>(totals + (<usize>m << 3), 0);
  let row = input;
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    for (let m = 0; m < middle; m++) {
      const at = totals + (<usize>m << 3);
      store<f64>(at, load<f64>(at) + sumRowF32(row, 1, inner));
      row += rowBytes;
    }
  }
  for (let m = 0; m < middle; m++) store<f32>(output + (<usize>m << 2), <f32>load<f64>(totals + (<usize>m << 3)));
}
