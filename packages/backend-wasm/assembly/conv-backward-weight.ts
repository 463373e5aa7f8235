import { min32, threadScratch } from './common';
import { ConvBackwardWeight, PackGradOutput } from './generated/bridge.gen';
import { ACCUMULATE, OVERWRITE, tileWindows } from './tile';

// Weight gradient, computed transposed: gradWᵀ[K, O] = Σ_n columns_n[K, P] · gradOut_nᵀ[P, O], with K = (c, i, j).
// The rows of the im2col matrix are never built: tileWindows walks each kernel tap's window of the padded image in
// place, and only the small output gradient is packed (into 8-channel B panels). Chunks own disjoint row blocks of
// K and loop over the whole batch, so no two threads ever add into the same weight.

/**
 * gradOut [N, O, P] → per (image, group) panels of 8 output channels, [P, 8] each, channels past O/groups zeroed.
 * One chunk per (image, group).
 */
export function packGradOutputTask(chunk: i32, thread: i32, args: usize): void {
  const outChannels = PackGradOutput.outChannels(args), groups = PackGradOutput.groups(args), plane = PackGradOutput.plane(args);
  const gradOut = PackGradOutput.gradOutput(args), packed = PackGradOutput.packed(args);
  const panelsPerGroup = PackGradOutput.panelsPerGroup(args);
  const outPerGroup = outChannels / groups, group = chunk % groups, n = chunk / groups;
  for (let q = 0; q < panelsPerGroup; q++) {
    const to = packed + <usize>((chunk * panelsPerGroup + q) * plane) * 32;
    const from = gradOut + <usize>((n * outChannels + group * outPerGroup + q * 8) * plane) * 4;
    if (q * 8 + 8 <= outPerGroup && (plane & 3) == 0) {
      transposePanel(from, <usize>plane * 4, plane, to);
      continue;
    }
    for (let lane = 0; lane < 8; lane++) {
      const o = q * 8 + lane;
      if (o >= outPerGroup) {
        for (let p = 0; p < plane; p++) store<f32>(to + <usize>(p * 32 + lane * 4), 0);
        continue;
      }
      const from = gradOut + <usize>((n * outChannels + group * outPerGroup + o) * plane) * 4;
      for (let p = 0; p < plane; p++) store<f32>(to + <usize>(p * 32 + lane * 4), load<f32>(from + <usize>p * 4));
    }
  }
}

/** 8 rows of `plane` floats (row stride `rowBytes`) → [plane, 8], four pixels at a time by 4×4 transposes. */
function transposePanel(from: usize, rowBytes: usize, plane: i32, to: usize): void {
  for (let p = 0; p < plane; p += 4) {
    const source = from + (<usize>p << 2), target = to + (<usize>p << 5);
    for (let half: usize = 0; half < 2; half++) {
      const rows = source + half * 4 * rowBytes;
      const r0 = v128.load(rows), r1 = v128.load(rows + rowBytes);
      const r2 = v128.load(rows + 2 * rowBytes), r3 = v128.load(rows + 3 * rowBytes);
      const a = v128.shuffle<u32>(r0, r1, 0, 4, 1, 5), b = v128.shuffle<u32>(r2, r3, 0, 4, 1, 5);
      const c = v128.shuffle<u32>(r0, r1, 2, 6, 3, 7), d = v128.shuffle<u32>(r2, r3, 2, 6, 3, 7);
      const out = target + half * 16;
      v128.store(out, v128.shuffle<u32>(a, b, 0, 1, 4, 5));
      v128.store(out + 32, v128.shuffle<u32>(a, b, 2, 3, 6, 7));
      v128.store(out + 64, v128.shuffle<u32>(c, d, 0, 1, 4, 5));
      v128.store(out + 96, v128.shuffle<u32>(c, d, 2, 3, 6, 7));
    }
  }
}

// Products: one chunk = (group, block of rows of K, range of images), summed over the range's images into the range's
// accumulator. Arguments: ConvBackwardWeight in src/bridge/convolution-tasks.ts.
export function convBackwardWeightTask(chunk: i32, thread: i32, args: usize): void {
  const batch = ConvBackwardWeight.batch(args), channels = ConvBackwardWeight.channels(args);
  const outChannels = ConvBackwardWeight.outChannels(args);
  const kernelHeight = ConvBackwardWeight.kernelHeight(args), kernelWidth = ConvBackwardWeight.kernelWidth(args);
  const outHeight = ConvBackwardWeight.outHeight(args), outWidth = ConvBackwardWeight.outWidth(args);
  const groups = ConvBackwardWeight.groups(args);
  const paddedHeight = ConvBackwardWeight.paddedHeight(args), paddedWidth = ConvBackwardWeight.paddedWidth(args);
  const input = ConvBackwardWeight.input(args), packed = ConvBackwardWeight.packed(args);
  const blockRows = ConvBackwardWeight.blockRows(args), ranges = ConvBackwardWeight.imageRanges(args);
  const inPerGroup = channels / groups, outPerGroup = outChannels / groups;
  const depth = inPerGroup * kernelHeight * kernelWidth, plane = outHeight * outWidth;
  const panelsPerGroup = (outPerGroup + 7) >> 3, width = panelsPerGroup * 8;
  const blocks = (depth + blockRows - 1) / blockRows;
  const range = chunk % ranges, rows = chunk / ranges;
  const group = rows / blocks, r0 = (rows - group * blocks) * blockRows, r1 = min32(depth, r0 + blockRows);
  const perRange = ConvBackwardWeight.imagesPerRange(args), n0 = range * perRange, n1 = min32(batch, n0 + perRange);

  const scratch = threadScratch(ConvBackwardWeight.scratch(args), ConvBackwardWeight.scratchStride(args), thread);
  const offsets = scratch;
  const strideH = ConvBackwardWeight.strideHeight(args), strideW = ConvBackwardWeight.strideWidth(args);
  const dilationH = ConvBackwardWeight.dilationHeight(args), dilationW = ConvBackwardWeight.dilationWidth(args);
  const kernelArea = kernelHeight * kernelWidth;
  for (let r = r0; r < r1; r++) {
    const c = r / kernelArea, rest = r - c * kernelArea, i = rest / kernelWidth, j = rest - i * kernelWidth;
    store<i32>(offsets + (<usize>(r - r0) << 2), (c * paddedHeight + i * dilationH) * paddedWidth + j * dilationW);
  }
  const innerStep = <usize>strideW * 4, outerJump = <usize>(strideH * paddedWidth - outWidth * strideW) * 4;
  const ldc = <usize>width * 4;
  const accumulatorRows = ConvBackwardWeight.accumulator(args) + <usize>(((range * groups + group) * depth + r0) * width) * 4;
  for (let n = n0; n < n1; n++) {
    const image = input + <usize>((n * channels + group * inPerGroup) * paddedHeight * paddedWidth) * 4;
    const mode = n == n0 ? OVERWRITE : ACCUMULATE;
    for (let q = 0; q < panelsPerGroup; q++) {
      const panel = packed + <usize>(((n * groups + group) * panelsPerGroup + q) * plane) * 32;
      for (let r = 0; r < r1 - r0; r += 4) {
        tileWindows(outHeight, outWidth, image, offsets + (<usize>r << 2), min32(4, r1 - r0 - r), innerStep, outerJump, panel,
          accumulatorRows + <usize>r * ldc + <usize>(q * 32), ldc, mode);
      }
    }
  }
}

// Finish: one chunk = (group, block of rows of K): the ranges' accumulators added into the first, in range order (the
// sum is the same whatever thread ran which range), then copied out transposed, [K, O] → [O, K].
export function convBackwardWeightFinishTask(chunk: i32, thread: i32, args: usize): void {
  const channels = ConvBackwardWeight.channels(args), outChannels = ConvBackwardWeight.outChannels(args);
  const groups = ConvBackwardWeight.groups(args), blockRows = ConvBackwardWeight.blockRows(args);
  const ranges = ConvBackwardWeight.imageRanges(args);
  const inPerGroup = channels / groups, outPerGroup = outChannels / groups;
  const depth = inPerGroup * ConvBackwardWeight.kernelHeight(args) * ConvBackwardWeight.kernelWidth(args);
  const width = ((outPerGroup + 7) >> 3) * 8;
  const blocks = (depth + blockRows - 1) / blockRows;
  const group = chunk / blocks, r0 = (chunk - group * blocks) * blockRows, r1 = min32(depth, r0 + blockRows);
  const accumulator = ConvBackwardWeight.accumulator(args), gradWeight = ConvBackwardWeight.gradWeight(args);
  const rangeBytes = <usize>(groups * depth * width) * 4;
  const first = accumulator + <usize>((group * depth + r0) * width) * 4, bytes = <usize>((r1 - r0) * width) * 4;
  for (let range = 1; range < ranges; range++) {
    const other = first + <usize>range * rangeBytes;
    for (let at: usize = 0; at < bytes; at += 16) v128.store(first + at, f32x4.add(v128.load(first + at), v128.load(other + at)));
  }
  // Copy out transposed, [K, O] → [O, K]: 4×4 blocks through registers, then the ragged edges one by one.
  const fullRows = r0 + ((r1 - r0) & ~3), fullColumns = outPerGroup & ~3;
  const rowBytes = <usize>width * 4, depthBytes = <usize>depth * 4;
  for (let r = r0; r < fullRows; r += 4) {
    const from = accumulator + <usize>((group * depth + r) * width) * 4;
    for (let o = 0; o < fullColumns; o += 4) {
      const source = from + <usize>o * 4;
      const t0 = v128.load(source), t1 = v128.load(source + rowBytes);
      const t2 = v128.load(source + 2 * rowBytes), t3 = v128.load(source + 3 * rowBytes);
      const a = v128.shuffle<u32>(t0, t1, 0, 4, 1, 5), b = v128.shuffle<u32>(t2, t3, 0, 4, 1, 5);
      const c = v128.shuffle<u32>(t0, t1, 2, 6, 3, 7), d = v128.shuffle<u32>(t2, t3, 2, 6, 3, 7);
      const target = gradWeight + <usize>((group * outPerGroup + o) * depth + r) * 4;
      v128.store(target, v128.shuffle<u32>(a, b, 0, 1, 4, 5));
      v128.store(target + depthBytes, v128.shuffle<u32>(a, b, 2, 3, 6, 7));
      v128.store(target + 2 * depthBytes, v128.shuffle<u32>(c, d, 0, 1, 4, 5));
      v128.store(target + 3 * depthBytes, v128.shuffle<u32>(c, d, 2, 3, 6, 7));
    }
    for (let o = fullColumns; o < outPerGroup; o++) {
      for (let t = 0; t < 4; t++) {
        store<f32>(gradWeight + <usize>((group * outPerGroup + o) * depth + r + t) * 4, load<f32>(from + <usize>t * rowBytes + <usize>o * 4));
      }
    }
  }
  for (let r = fullRows; r < r1; r++) {
    const from = accumulator + <usize>((group * depth + r) * width) * 4;
    for (let o = 0; o < outPerGroup; o++) {
      store<f32>(gradWeight + <usize>((group * outPerGroup + o) * depth + r) * 4, load<f32>(from + <usize>o * 4));
    }
  }
}
