// Unfolding a padded image into GEMM panels, for the pixels the gathering tile cannot read in place (strided
// convolutions, panels that wrap an output row, partial tiles). Convolutions first copy their input into a
// zero-bordered buffer (pad.ts), so nothing here checks bounds.

/**
 * Writes the B panel for output pixels [p0, p0 + count) (count ≤ 8): panel row k holds the 8 input values those
 * pixels see at kernel tap k, whose offset in the padded image is taps[k] (floats); lanes past `count` are zero.
 * `lanes` is 32 bytes of scratch.
 */
export function packPixelPanel(image: usize, taps: usize, depth: i32, paddedWidth: i32, strideH: i32, strideW: i32,
  outWidth: i32, p0: i32, count: i32, panel: usize, lanes: usize): void {
  const oh0 = p0 / outWidth, ow0 = p0 - oh0 * outWidth;
  let to = panel;
  if (count == 8 && strideW == 1 && ow0 + 8 <= outWidth) {
    // All 8 pixels sit on one output row: each tap reads 8 consecutive floats.
    const pixels = image + <usize>(oh0 * strideH * paddedWidth + ow0) * 4;
    for (let k = 0; k < depth; k++) {
      const from = pixels + (<usize>load<i32>(taps + (<usize>k << 2)) << 2);
      v128.store(to, v128.load(from));
      v128.store(to, v128.load(from, 16), 16);
      to += 32;
    }
    return;
  }
  for (let lane = 0; lane < 8; lane++) {
    let offset = -1;
    if (lane < count) {
      const p = p0 + lane, oh = p / outWidth, ow = p - oh * outWidth;
      offset = oh * strideH * paddedWidth + ow * strideW;
    }
    store<i32>(lanes + (<usize>lane << 2), offset);
  }
  for (let k = 0; k < depth; k++) {
    const tap = load<i32>(taps + (<usize>k << 2));
    for (let lane = 0; lane < 8; lane++) {
      const offset = load<i32>(lanes + (<usize>lane << 2));
      store<f32>(to + (<usize>lane << 2), offset < 0 ? 0 : load<f32>(image + <usize>(offset + tap) * 4));
    }
    to += 32;
  }
}
