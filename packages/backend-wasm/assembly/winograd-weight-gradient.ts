import { min32, threadScratch } from './common';
import { WinogradGradientFinish, WinogradGradientTiles } from './generated/bridge.gen';
import { ACCUMULATE, OVERWRITE, tile } from './tile';
import { pointStride, transformInputTile } from './winograd';
import { gradientLine, tapLine, transpose4 } from './winograd-transforms';
import { gradientLine6, tapLine3 } from './winograd-transforms-3x3';

// The weight gradient of a stride-1 convolution as Winograd transposed (F(4×4, 5×5) or F(6×6, 3×3)): per m×m tile of
// the output gradient dy and its 8×8 input window d, dW[n, k] += Gᵀ·[(A·dy_n·Aᵀ) ⊙ (Bᵀ·d_k·B)]·G. The products are
// summed over tiles first, point by point (S[p][n][k] = Σ_tiles Y[tile][p][n] · V[tile][p][k], a GEMM whose depth is
// the tile count), one round of tiles at a time: the round's tiles are transformed into shared V and Y, then multiplied
// with the points split between threads, each adding its points' products into S (pipelined: one dispatch multiplies
// a round while it transforms the next). Every sum thus runs in the same order
// whatever the timing or the number of threads (per-thread accumulators, summed at the end, made the gradient depend
// on which thread had claimed which tiles). A last task applies Gᵀ·S·G once per filter. K is the convolution's input
// channels (a multiple of 8), N its output channels (a multiple of 4).

/**
 * V = Bᵀ·d·B of input windows and Y = A·dy·Aᵀ of output-gradient tiles t0 .. t0 + count - 1, point-major: point p of
 * tile i at v + p·vPointStride + i·K floats and y + p·yPointStride + i·N floats, so that the product reads each
 * point's tiles as one contiguous run. `scratch` is 1,152 bytes.
 */
function transformTiles(args: usize, t0: i32, count: i32, v: usize, y: usize, vPointStride: usize, yPointStride: usize, scratch: usize): void {
  const depth = WinogradGradientTiles.depth(args), width = WinogradGradientTiles.width(args);
  const outHeight = WinogradGradientTiles.outHeight(args), outWidth = WinogradGradientTiles.outWidth(args);
  const tileColumns = WinogradGradientTiles.tileColumns(args), tilesPerImage = WinogradGradientTiles.tileRows(args) * tileColumns;
  const paddedHeight = WinogradGradientTiles.paddedHeight(args), paddedWidth = WinogradGradientTiles.paddedWidth(args);
  const input = WinogradGradientTiles.input(args), gradient = WinogradGradientTiles.gradOutput(args), step = WinogradGradientTiles.tileSize(args);
  const temporary = scratch, rows = scratch + 1024;
  const vPoint = <usize>depth << 2, yPoint = <usize>width << 2;
  const plane = <usize>(outHeight * outWidth) << 2;
  for (let i = 0; i < count; i++) {
    const t = t0 + i, image = t / tilesPerImage, within = t - image * tilesPerImage;
    const ty = within / tileColumns, tx = within - ty * tileColumns, y0 = ty * step, x0 = tx * step;
    transformInputTile(input + <usize>((image * paddedHeight + y0) * paddedWidth + x0) * vPoint, depth, paddedWidth, temporary,
      v + <usize>i * vPoint, vPointStride);
    const valid = min32(step, outWidth - x0);
    for (let c = 0; c < width; c += 4) {
      const first = gradient + <usize>(image * width + c) * plane + (<usize>(y0 * outWidth + x0) << 2);
      for (let r = 0; r < step; r++) {
        // Four channels' row r of the tile as `step` vectors (lanes = channels), zero outside the output: x 0..3 by
        // one load per channel and a transpose, x 4..5 (m = 6) one float at a time.
        const inside = y0 + r < outHeight;
        for (let lane = 0; lane < 4; lane++) {
          const from = first + <usize>lane * plane + (<usize>(r * outWidth) << 2), to = rows + <usize>lane * 16;
          if (inside && valid >= 4) v128.store(to, v128.load(from));
          else for (let x = 0; x < 4; x++) store<f32>(to + (<usize>x << 2), inside && x < valid ? load<f32>(from + (<usize>x << 2)) : 0);
          for (let x = 4; x < step; x++) {
            store<f32>(rows + <usize>x * 16 + (<usize>lane << 2), inside && x < valid ? load<f32>(from + (<usize>x << 2)) : 0);
          }
        }
        transpose4(rows);
        if (step == 4) gradientLine(rows, 16, temporary + <usize>r * 128, 16);
        else gradientLine6(rows, 16, temporary + <usize>r * 128, 16);
      }
      for (let b = 0; b < 8; b++) {
        const to = y + <usize>i * yPoint + <usize>b * yPointStride + (<usize>c << 2);
        if (step == 4) gradientLine(temporary + <usize>b * 16, 128, to, 8 * yPointStride);
        else gradientLine6(temporary + <usize>b * 16, 128, to, 8 * yPointStride);
      }
    }
  }
}

/** S[p] (+)= Σ over `count` tiles of Y[p][tile]ᵀ · V[p][tile], for points p0 .. p1 - 1 (layout: transformTiles). */
function multiplyPoints(depth: i32, width: i32, p0: i32, p1: i32, count: i32, v: usize, y: usize, vPointStride: usize, yPointStride: usize,
  s: usize, mode: i32, edge: usize): void {
  const vPoint = <usize>depth << 2, yPoint = <usize>width << 2;
  const ldc = <usize>depth << 2, sPoint = pointStride(width, ldc);
  for (let p = p0; p < p1; p++) {
    const a = y + <usize>p * yPointStride, b = v + <usize>p * vPointStride, c = s + <usize>p * sPoint;
    for (let n = 0; n < width; n += 4) {
      for (let k = 0; k < depth; k += 8) {
        tile(count, a + (<usize>n << 2), 4, yPoint, b + (<usize>k << 2), vPoint, c + <usize>n * ldc + (<usize>k << 2), ldc, mode,
          min32(4, width - n), 8, 0, edge);
      }
    }
  }
}

/**
 * One dispatch of the pipeline: chunks below productChunks multiply a run of points over every tile of one round,
 * S[p] (+)= Yᵀ·V; the rest each transform a block of the next round's tiles into the other buffer. Each point's sum
 * thus runs over the rounds in order, and within a round over its tiles in order, whichever thread runs the chunk.
 */
export function winogradGradientRoundTask(chunk: i32, thread: i32, args: usize): void {
  const depth = WinogradGradientTiles.depth(args), width = WinogradGradientTiles.width(args);
  const scratch = threadScratch(WinogradGradientTiles.scratch(args), WinogradGradientTiles.scratchStride(args), thread);
  const productChunks = WinogradGradientTiles.productChunks(args);
  const vPointStride = WinogradGradientTiles.vPointStride(args), yPointStride = WinogradGradientTiles.yPointStride(args);
  if (chunk < productChunks) {
    const perChunk = WinogradGradientTiles.pointsPerChunk(args), p0 = chunk * perChunk;
    const mode = WinogradGradientTiles.accumulate(args) != 0 ? ACCUMULATE : OVERWRITE;
    multiplyPoints(depth, width, p0, min32(64, p0 + perChunk), WinogradGradientTiles.productTiles(args), WinogradGradientTiles.productInput(args),
      WinogradGradientTiles.productGradient(args), vPointStride, yPointStride, WinogradGradientTiles.accumulator(args), mode, scratch);
    return;
  }
  const perBlock = WinogradGradientTiles.tilesPerBlock(args), start = (chunk - productChunks) * perBlock;
  const count = min32(WinogradGradientTiles.transformTiles(args), start + perBlock) - start;
  transformTiles(args, WinogradGradientTiles.firstTile(args) + start, count,
    WinogradGradientTiles.transformInput(args) + (<usize>(start * depth) << 2), WinogradGradientTiles.transformGradient(args) + (<usize>(start * width) << 2),
    vPointStride, yPointStride, scratch + 128);
}

/** Writes dW[n, k] = Gᵀ·S·G. One chunk = a run of n. */
export function winogradGradientFinishTask(chunk: i32, thread: i32, args: usize): void {
  const depth = WinogradGradientFinish.depth(args), width = WinogradGradientFinish.width(args);
  const accumulator = WinogradGradientFinish.accumulator(args);
  const gradient = WinogradGradientFinish.gradWeight(args), r = WinogradGradientFinish.kernel(args);
  const columns = threadScratch(WinogradGradientFinish.scratch(args), WinogradGradientFinish.scratchStride(args), thread);
  const taps = columns + 640, perChunk = WinogradGradientFinish.widthPerChunk(args);
  const first = chunk * perChunk, last = min32(width, first + perChunk);
  const sPoint = pointStride(width, <usize>depth << 2), area = r * r, filterBytes = <usize>area << 2;
  for (let n = first; n < last; n++) {
    for (let k = 0; k < depth; k += 4) {
      const source = accumulator + (<usize>(n * depth + k) << 2);
      for (let b = 0; b < 8; b++) {
        if (r == 5) tapLine(source + <usize>b * sPoint, 8 * sPoint, columns + <usize>b * 16, 128);
        else tapLine3(source + <usize>b * sPoint, 8 * sPoint, columns + <usize>b * 16, 128);
      }
      for (let i = 0; i < r; i++) {
        if (r == 5) tapLine(columns + <usize>i * 128, 16, taps + <usize>(i * r) * 16, 16);
        else tapLine3(columns + <usize>i * 128, 16, taps + <usize>(i * r) * 16, 16);
      }
      // Lanes are four input channels k, each its own filter `area` floats on: four taps per store after a transpose.
      const filter = gradient + (<usize>(n * depth + k) * filterBytes);
      const blocks = (area - 1) >> 2;
      for (let block = 0; block < blocks; block++) {
        const at = taps + <usize>block * 64;
        transpose4(at);
        for (let lane = 0; lane < 4; lane++) v128.store(filter + <usize>lane * filterBytes + <usize>block * 16, v128.load(at + <usize>lane * 16));
      }
      const value = taps + <usize>(area - 1) * 16, tap = filter + (<usize>(area - 1) << 2);
      for (let lane = 0; lane < 4; lane++) store<f32>(tap + <usize>lane * filterBytes, load<f32>(value + (<usize>lane << 2)));
    }
  }
}
