import { min32, threadScratch } from './common';
import { Winograd, WinogradInput, WinogradWeights } from './generated/bridge.gen';
import { OVERWRITE, tile } from './tile';
import { inputLine, outputLine, transpose4, weightLine } from './winograd-transforms';
import { outputLine6, weightLine3 } from './winograd-transforms-3x3';

// Winograd convolution, stride 1, on 8×8 input tiles: F(4×4, 5×5) for 5×5 kernels (64 products per 4×4 output tile
// and channel pair instead of 400 multiply-adds) and F(6×6, 3×3) for 3×3 ones (64 instead of 324 for a 6×6 tile);
// both share the input transform and the 64-point layout, and differ in the filter and output transforms and in the
// tile step (the output tile size). Three tasks: the weights become U[64][K][N] (K = the convolution's input
// channels, N = its output channels), the input becomes a zero-padded channels-last copy, and the main task
// transforms a block of tiles, multiplies per interpolation point, and transforms back. The same tasks run the input
// gradient (flipped taps, channels swapped), so every caller names K and N as the product sees them.

/**
 * Bytes from one interpolation point's block to the next in U, V, M and the weight gradient's S: `rows` rows of
 * `rowBytes` each, and 64 bytes over, so that a transform's eight stores per line do not land 4 KiB apart (loads that
 * alias a pending store's low 12 bits stall on x86).
 */
@inline export function pointStride(rows: i32, rowBytes: usize): usize {
  return <usize>rows * rowBytes + 64;
}

/**
 * The `count` taps of four filters `lane` bytes apart as vectors (lanes = filters) at `taps`, mirrored when `flip`:
 * four taps of each filter per load, turned by a 4×4 transpose, and the last tap gathered (count is 9 or 25).
 */
function gatherTaps(filter: usize, lane: usize, flip: bool, taps: usize, count: i32): void {
  const blocks = (count - 1) >> 2;
  for (let block = 0; block < blocks; block++) {
    // Mirrored, taps 4b .. 4b+3 are source taps count-1-4b .. count-4-4b: load from the latter, store rows reversed.
    const from = filter + (<usize>(flip ? count - 4 - 4 * block : 4 * block) << 2);
    const r0 = v128.load(from), r1 = v128.load(from + lane), r2 = v128.load(from + 2 * lane), r3 = v128.load(from + 3 * lane);
    const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
    const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
    const to = taps + <usize>block * 64;
    v128.store(to + (flip ? 48 : 0), f32x4.shuffle(t0, t2, 0, 1, 4, 5));
    v128.store(to + (flip ? 32 : 16), f32x4.shuffle(t0, t2, 2, 3, 6, 7));
    v128.store(to + (flip ? 16 : 32), f32x4.shuffle(t1, t3, 0, 1, 4, 5));
    v128.store(to + (flip ? 0 : 48), f32x4.shuffle(t1, t3, 2, 3, 6, 7));
  }
  const last = filter + (flip ? 0 : <usize>(count - 1) << 2);
  let x = f32x4.splat(load<f32>(last));
  x = f32x4.replace_lane(x, 1, load<f32>(last + lane));
  x = f32x4.replace_lane(x, 2, load<f32>(last + 2 * lane));
  x = f32x4.replace_lane(x, 3, load<f32>(last + 3 * lane));
  v128.store(taps + <usize>(count - 1) * 16, x);
}

/**
 * Weights [.., r, r] → U[p][k][n] = (G·g·Gᵀ)[p] of the filter for (n, k), which starts at weight + n·strideN + k·strideK
 * floats (taps read mirrored when flipped). One chunk = a run of k; lanes are four consecutive n.
 */
export function winogradWeightsTask(chunk: i32, thread: i32, args: usize): void {
  const weight = WinogradWeights.weight(args), u = WinogradWeights.transformed(args);
  const depth = WinogradWeights.depth(args), width = WinogradWeights.width(args);
  const strideN = WinogradWeights.strideN(args), strideK = WinogradWeights.strideK(args), flip = WinogradWeights.flip(args);
  const r = WinogradWeights.kernel(args), row = <usize>r * 16;
  const taps = threadScratch(WinogradWeights.scratch(args), WinogradWeights.scratchStride(args), thread);
  const columns = taps + <usize>(r * r) * 16, perChunk = WinogradWeights.channelsPerChunk(args);
  const lane = <usize>strideN << 2, first = chunk * perChunk, last = min32(depth, first + perChunk);
  const pointStep = pointStride(depth, <usize>width << 2);
  for (let k = first; k < last; k++) for (let n = 0; n < width; n += 4) {
    gatherTaps(weight + (<usize>(n * strideN + k * strideK) << 2), lane, flip, taps, r * r);
    for (let j = 0; j < r; j++) {
      if (r == 5) weightLine(taps + <usize>j * 16, row, columns + <usize>j * 16, row);
      else weightLine3(taps + <usize>j * 16, row, columns + <usize>j * 16, row);
    }
    for (let a = 0; a < 8; a++) {
      const to = u + <usize>(a * 8) * pointStep + (<usize>(k * width + n) << 2);
      if (r == 5) weightLine(columns + <usize>a * row, 16, to, pointStep);
      else weightLine3(columns + <usize>a * row, 16, to, pointStep);
    }
  }
}

/**
 * NCHW [B, K, H, W] → zero-padded channels-last [B, PH, PW, K], source pixel (y, x) landing at (y + top, x + left).
 * One chunk = a run of padded rows (over all images).
 */
export function winogradInputTask(chunk: i32, thread: i32, args: usize): void {
  const source = WinogradInput.source(args), destination = WinogradInput.destination(args);
  const depth = WinogradInput.depth(args), height = WinogradInput.height(args), width = WinogradInput.width(args);
  const top = WinogradInput.top(args), left = WinogradInput.left(args);
  const paddedHeight = WinogradInput.paddedHeight(args), paddedWidth = WinogradInput.paddedWidth(args);
  const perChunk = WinogradInput.rowsPerChunk(args);
  const first = chunk * perChunk, last = min32(WinogradInput.rows(args), first + perChunk);
  const plane = <usize>(height * width) << 2, pixelBytes = <usize>depth << 2;
  for (let row = first; row < last; row++) {
    const image = row / paddedHeight, y = row - image * paddedHeight - top;
    let to = destination + <usize>row * <usize>paddedWidth * pixelBytes;
    if (y < 0 || y >= height) {
      memory.fill(to, 0, <usize>paddedWidth * pixelBytes);
      continue;
    }
    const line = source + (<usize>(image * depth * height + y) * <usize>width << 2);
    memory.fill(to, 0, <usize>left * pixelBytes);
    to += <usize>left * pixelBytes;
    let x = 0;
    for (; x + 4 <= width; x += 4) {
      // Four channels × four pixels per step, turned by one 4×4 transpose.
      for (let c = 0; c < depth; c += 4) {
        const from = line + <usize>c * plane + (<usize>x << 2);
        const r0 = v128.load(from), r1 = v128.load(from + plane), r2 = v128.load(from + 2 * plane), r3 = v128.load(from + 3 * plane);
        const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const at = to + (<usize>c << 2);
        v128.store(at, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
        v128.store(at + pixelBytes, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
        v128.store(at + 2 * pixelBytes, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
        v128.store(at + 3 * pixelBytes, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
      }
      to += 4 * pixelBytes;
    }
    for (; x < width; x++) {
      for (let c = 0; c < depth; c++) store<f32>(to + (<usize>c << 2), load<f32>(line + <usize>c * plane + (<usize>x << 2)));
      to += pixelBytes;
    }
    memory.fill(to, 0, <usize>(paddedWidth - left - width) * pixelBytes);
  }
}

/**
 * Bᵀ·d·B of one 8×8 window of the channels-last input at `origin`, all `depth` channels, into V[p][channel] at `v`,
 * `point` bytes from one point to the next. `temporary` is 1 KiB of scratch.
 */
export function transformInputTile(origin: usize, depth: i32, paddedWidth: i32, temporary: usize, v: usize, point: usize): void {
  const pixelBytes = <usize>depth << 2;
  for (let c = 0; c < depth; c += 4) {
    for (let y = 0; y < 8; y++) {
      inputLine(origin + <usize>(y * paddedWidth) * pixelBytes + (<usize>c << 2), pixelBytes, temporary + <usize>y * 128, 16);
    }
    for (let b = 0; b < 8; b++) inputLine(temporary + <usize>b * 16, 128, v + <usize>b * point + (<usize>c << 2), 8 * point);
  }
}

/**
 * One chunk = (block of tiles, share of the N output channels): input transform of the block's tiles (all K channels)
 * into V[tile][64][K], one small GEMM per point, M[.., p, ..] = V[.., p, ..] · U[p][.., share], then the output
 * transform, bias, and NCHW stores. Tiles are numbered over (image, tile row, tile column).
 */
export function winogradTask(chunk: i32, thread: i32, args: usize): void {
  const depth = Winograd.depth(args), width = Winograd.width(args);
  const outHeight = Winograd.outHeight(args), outWidth = Winograd.outWidth(args);
  const tileColumns = Winograd.tileColumns(args), tilesPerImage = Winograd.tileRows(args) * tileColumns;
  const paddedHeight = Winograd.paddedHeight(args), paddedWidth = Winograd.paddedWidth(args);
  const input = Winograd.input(args), u = Winograd.transformedWeights(args);
  const bias = Winograd.bias(args), output = Winograd.output(args);
  const perBlock = Winograd.tilesPerBlock(args), shareWidth = Winograd.shareWidth(args), shares = Winograd.shares(args);
  const share = chunk % shares, block = chunk / shares;
  const t0 = block * perBlock, count = min32(Winograd.tiles(args), t0 + perBlock) - t0;
  const n0 = share * shareWidth, columns = min32(width, n0 + shareWidth) - n0;
  const step = Winograd.tileSize(args);

  const scratch = threadScratch(Winograd.scratch(args), Winograd.scratchStride(args), thread);
  const edge = scratch, temporary = scratch + 128, v = temporary + 1024;
  // V and M point-major (a point holds the block's tiles one after another), so that each point's small GEMM reads
  // its rows of V and writes its rows of M as contiguous runs; 64 bytes of skew per point against 4 KiB aliasing.
  const vPoint = <usize>depth << 2, mPoint = <usize>shareWidth << 2;
  const vStride = pointStride(perBlock, vPoint), mStride = pointStride(perBlock, mPoint), m = v + 64 * vStride;

  for (let i = 0; i < count; i++) {
    const tile = t0 + i, image = tile / tilesPerImage, within = tile - image * tilesPerImage;
    const ty = within / tileColumns;
    const origin = input + <usize>((image * paddedHeight + ty * step) * paddedWidth + (within - ty * tileColumns) * step) * vPoint;
    transformInputTile(origin, depth, paddedWidth, temporary, v + <usize>i * vPoint, vStride);
  }

  const bStep = <usize>width << 2, uStride = pointStride(depth, bStep);
  for (let p = 0; p < 64; p++) {
    const a = v + <usize>p * vStride, b = u + <usize>p * uStride + (<usize>n0 << 2), c = m + <usize>p * mStride;
    for (let j = 0; j < columns; j += 8) {
      for (let i = 0; i < count; i += 4) {
        tile(depth, a + <usize>i * vPoint, vPoint, 4, b + (<usize>j << 2), bStep, c + <usize>i * mPoint + (<usize>j << 2), mPoint,
          OVERWRITE, min32(4, count - i), 8, 0, edge);
      }
    }
  }

  // Output transform: columns into `temporary` (m rows of 8), then one row at a time into `line` (m vectors, lanes =
  // channels), bias added, and stored: x 0..3 as one v128 per channel after a transpose, x 4..5 (m = 6) one by one.
  const line = temporary + <usize>step * 128;
  const plane = <usize>(outHeight * outWidth) << 2;
  for (let i = 0; i < count; i++) {
    const tile = t0 + i, image = tile / tilesPerImage, within = tile - image * tilesPerImage;
    const ty = within / tileColumns, tx = within - ty * tileColumns;
    const y0 = ty * step, x0 = tx * step, valid = min32(step, outWidth - x0);
    for (let c = 0; c < columns; c += 4) {
      for (let b = 0; b < 8; b++) {
        const from = m + <usize>i * mPoint + <usize>b * mStride + (<usize>c << 2), to = temporary + <usize>b * 16;
        if (step == 4) outputLine(from, 8 * mStride, to, 128);
        else outputLine6(from, 8 * mStride, to, 128);
      }
      const channel = n0 + c;
      const biases = bias != 0 ? v128.load(bias + (<usize>channel << 2)) : f32x4.splat(0);
      const first = output + (<usize>(image * width + channel) * plane) + (<usize>(y0 * outWidth + x0) << 2);
      for (let y = 0; y < step && y0 + y < outHeight; y++) {
        if (step == 4) outputLine(temporary + <usize>y * 128, 16, line, 16);
        else outputLine6(temporary + <usize>y * 128, 16, line, 16);
        for (let x = 0; x < step; x++) v128.store(line + <usize>x * 16, f32x4.add(v128.load(line + <usize>x * 16), biases));
        transpose4(line);
        for (let lane = 0; lane < 4; lane++) {
          const to = first + <usize>lane * plane + (<usize>(y * outWidth) << 2), from = line + <usize>lane * 16;
          if (valid >= 4) v128.store(to, v128.load(from));
          else for (let x = 0; x < valid; x++) store<f32>(to + (<usize>x << 2), load<f32>(from + (<usize>x << 2)));
          for (let x = 4; x < valid; x++) store<f32>(to + (<usize>x << 2), load<f32>(line + <usize>x * 16 + (<usize>lane << 2)));
        }
      }
    }
  }
}
