import type { WasmContext } from '../context.js';
import { runWinogradGradientFinish, runWinogradGradientProduct, runWinogradGradientTransform } from '../generated/bridge.gen.js';
import { maximumChunks } from '../worker/chunk-claim.js';
import { tiledInput, tileSize, type WinogradConvolution } from './winograd.js';

/**
 * Bytes of transformed tiles (V and Y) per round: the round's tiles stay in cache between its transform pass and its
 * product pass, which both threads read. Deep layers still take 16 tiles a round: the product's depth is the round's
 * tile count, and a GEMM only a few deep is mostly overhead.
 */
const roundBytes = 1024 * 1024;
const leastRoundTiles = 16;

/**
 * gradWeight[n, k] = Σ_b gradOutput[b, n] ⋆ input[b, k] for an r×r stride-1 convolution (NCHW, weight [N, K, r, r]),
 * as Winograd F(4×4, 5×5) or F(6×6, 3×3) transposed (assembly/winograd-weight-gradient.ts): rounds of tiles, each
 * transformed, then multiplied point by point into one accumulator S (the points split between threads), then one
 * pass brings each filter back to r×r taps. Rounds are sized in bytes, not by the thread count, and each point's sum
 * runs over the tiles in order, so the gradient is bitwise the same for any number of threads and any timing.
 */
export function runWinogradWeightGradient(
  context: WasmContext,
  conv: Omit<WinogradConvolution, 'weight' | 'strideN' | 'strideK' | 'flip'>,
  input: number,
  gradOutput: number,
  gradWeight: number,
): void {
  const { batch, depth, width, outHeight, outWidth } = conv;
  const pool = context.pool,
    threads = pool.threads;
  const { tileRows, tileColumns, paddedHeight, paddedWidth, channelsLast } = tiledInput(context, conv, input);
  const tileBytes = (channels: number) => 64 * channels * 4 + 64; // tileBytes in assembly/winograd.ts
  const perTile = tileBytes(depth) + tileBytes(width);
  const tiles = batch * tileRows * tileColumns;
  const roundTiles = Math.min(tiles, Math.max(leastRoundTiles, Math.floor(roundBytes / perTile)));
  const accumulator = context.workspaces.get('winogradGradients', 64 * (depth * width * 4 + 64)); // sPointBytes in assembly
  const transformed = context.workspaces.get('winogradTransformed', roundTiles * perTile);
  const [scratch, stride] = context.threadScratch(128 + 1152);
  const pointsPerChunk = Math.ceil(64 / (threads * 2));
  for (let firstTile = 0; firstTile < tiles; firstTile += roundTiles) {
    const count = Math.min(roundTiles, tiles - firstTile);
    let perBlock = Math.max(1, Math.ceil(count / (threads * 2)));
    while (Math.ceil(count / perBlock) > maximumChunks) perBlock *= 2;
    const round = {
      depth,
      width,
      outHeight,
      outWidth,
      tileRows,
      tileColumns,
      paddedHeight,
      paddedWidth,
      input: channelsLast,
      gradOutput,
      accumulator,
      accumulate: firstTile === 0 ? 0 : 1,
      scratch,
      scratchStride: stride,
      firstTile,
      roundTiles: count,
      tilesPerBlock: perBlock,
      transformedInput: transformed,
      transformedGradient: transformed + count * tileBytes(depth),
      pointsPerChunk,
      tileSize: tileSize(conv.kernel),
    };
    runWinogradGradientTransform(pool, round, Math.ceil(count / perBlock));
    runWinogradGradientProduct(pool, round, Math.ceil(64 / pointsPerChunk));
  }
  const [finishScratch, finishStride] = context.threadScratch(640 + 400);
  const perChunk = Math.ceil(width / (threads * 2));
  runWinogradGradientFinish(
    pool,
    {
      depth,
      width,
      accumulator,
      gradWeight,
      scratch: finishScratch,
      scratchStride: finishStride,
      widthPerChunk: perChunk,
      kernel: conv.kernel,
    },
    Math.ceil(width / perChunk),
  );
}
