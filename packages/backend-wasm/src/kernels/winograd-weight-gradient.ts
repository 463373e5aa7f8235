import type { WasmContext } from '../context.js';
import {
  runWinogradGradient,
  runWinogradGradientFinish,
  runWinogradGradientProduct,
  runWinogradGradientTransform,
  type WinogradGradientTilesArguments,
} from '../generated/bridge.gen.js';
import { maximumChunks } from '../worker/chunk-claim.js';
import { tiledInput, tileSize, type WinogradConvolution } from './winograd.js';

/**
 * gradWeight[n, k] = Σ_b gradOutput[b, n] ⋆ input[b, k] for an r×r stride-1 convolution (NCHW, weight [N, K, r, r]),
 * as Winograd F(4×4, 5×5) or F(6×6, 3×3) transposed (assembly/winograd-weight-gradient.ts): the products summed over
 * tiles per point, then one pass adds the accumulators and brings each filter back to r×r taps.
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
  const pointBytes = depth * width * 4 + 64; // sPointBytes in assembly/winograd-weight-gradient.ts
  const accumulatorBytes = 64 * pointBytes;
  const tiles = batch * tileRows * tileColumns;
  const tileBytes = (channels: number) => 64 * channels * 4 + 64; // tileBytes in assembly/winograd.ts
  const transformedBytes = tiles * (tileBytes(depth) + tileBytes(width));
  // Few tiles (small batches): transform them all into shared buffers, then split the 64 points between threads, so
  // each product runs over every tile and no thread needs an accumulator of its own. Many tiles: blocks of 16 tiles
  // per chunk, each thread summing into its own accumulator, as the shared buffers would no longer fit in cache.
  const fewTiles = transformedBytes <= 512 * 1024;
  const accumulatorCount = fewTiles ? 1 : threads;
  const accumulators = context.workspaces.get('winogradGradients', accumulatorCount * accumulatorBytes);
  const flags = context.workspaces.get('winogradFlags', threads * 64);
  for (let thread = 0; thread < threads; thread++)
    context.runtime.i32[(flags + thread * 64) / 4] = fewTiles && thread === 0 ? 1 : 0;
  let perBlock = fewTiles ? Math.max(1, Math.ceil(tiles / (threads * 2))) : 16;
  while (Math.ceil(tiles / perBlock) > maximumChunks) perBlock *= 2;
  const transformed = fewTiles ? context.workspaces.get('winogradTransformed', transformedBytes) : 0;
  const [scratch, stride] = context.threadScratch(128 + 1152 + (fewTiles ? 0 : perBlock * (tileBytes(depth) + tileBytes(width))));
  const pointsPerChunk = Math.ceil(64 / (threads * 2));
  const tileArguments: WinogradGradientTilesArguments = {
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
    accumulators,
    accumulatorBytes,
    flags,
    scratch,
    scratchStride: stride,
    tilesPerBlock: perBlock,
    tiles,
    transformedInput: transformed,
    transformedGradient: transformed + tiles * tileBytes(depth),
    pointsPerChunk,
    tileSize: tileSize(conv.kernel),
  };
  if (fewTiles) {
    runWinogradGradientTransform(pool, tileArguments, Math.ceil(tiles / perBlock));
    runWinogradGradientProduct(pool, tileArguments, Math.ceil(64 / pointsPerChunk));
  } else {
    runWinogradGradient(pool, tileArguments, Math.ceil(tiles / perBlock));
  }
  const [finishScratch, finishStride] = context.threadScratch(1024 + 640 + 400);
  const perChunk = Math.ceil(width / (threads * 2));
  runWinogradGradientFinish(
    pool,
    {
      depth,
      width,
      accumulators,
      accumulatorBytes,
      flags,
      accumulatorCount,
      gradWeight,
      scratch: finishScratch,
      scratchStride: finishStride,
      widthPerChunk: perChunk,
      kernel: conv.kernel,
    },
    Math.ceil(width / perChunk),
  );
}
