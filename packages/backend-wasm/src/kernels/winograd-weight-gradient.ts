import type { WasmContext } from '../context.js';
import { runWinogradGradientFinish, runWinogradGradientRound } from '../generated/bridge.gen.js';
import { maximumChunks } from '../worker/chunk-claim.js';
import { pointStride, tiledInput, tileSize, type WinogradConvolution } from './winograd.js';

/**
 * Bytes of transformed tiles (V and Y) per round. Larger rounds mean fewer passes over S and deeper products per
 * point, up to where the two round buffers crowd the cache. The course's weight gradients at batch 64 on 2 threads
 * (best of runs, this project's 2-core machine): conv2 3.28 ms with 0.5 MiB rounds, 3.05 with 1 MiB, 2.87–3.15 with
 * 2 and 4 MiB, 3.2 and more with 8 and 16 MiB; conv3 1.59, 1.40, 1.31–1.33, 1.26, 1.24. 2 MiB keeps most of the gain
 * for half the memory of 4. Deep layers still take 16 tiles a round: the product's depth is the round's tile count,
 * and a GEMM only a few deep is mostly overhead.
 */
const roundBytes = 2 * 1024 * 1024;
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
  const { batch, depth, width } = conv;
  const pool = context.pool,
    threads = pool.threads;
  const tiling = tiledInput(context, conv, input);
  const perTile = 64 * (depth + width) * 4;
  const tiles = batch * tiling.tileRows * tiling.tileColumns;
  const roundTiles = Math.min(tiles, Math.max(leastRoundTiles, Math.floor(roundBytes / perTile)));
  const rounds = Math.ceil(tiles / roundTiles);
  const accumulator = context.workspaces.get('winogradGradients', 64 * pointStride(width, depth * 4));
  // Point-major V and Y: each point holds every tile of the round.
  const vPointStride = pointStride(roundTiles, depth * 4),
    yPointStride = pointStride(roundTiles, width * 4);
  // Two buffers: a dispatch transforms round r into one while it multiplies round r - 1 from the other.
  const buffers = [0, 1].map((b) => context.workspaces.get(`winogradTransformed${b}`, 64 * (vPointStride + yPointStride)));
  const [scratch, stride] = context.threadScratch(128 + 1152);
  const pointsPerChunk = Math.ceil(64 / (threads * 2));
  const tilesOf = (round: number) => Math.min(roundTiles, tiles - round * roundTiles);
  for (let round = 0; round <= rounds; round++) {
    const transformTiles = round < rounds ? tilesOf(round) : 0,
      productTiles = round > 0 ? tilesOf(round - 1) : 0;
    let perBlock = Math.max(1, Math.ceil(transformTiles / (threads * 2)));
    while (Math.ceil(transformTiles / perBlock) > maximumChunks / 2) perBlock *= 2;
    const [into, from] = [buffers[round % 2]!, buffers[(round + 1) % 2]!];
    const productChunks = productTiles > 0 ? Math.ceil(64 / pointsPerChunk) : 0;
    runWinogradGradientRound(
      pool,
      {
        ...tiling,
        gradOutput,
        accumulator,
        scratch,
        scratchStride: stride,
        productChunks,
        productTiles,
        accumulate: round > 1 ? 1 : 0,
        pointsPerChunk,
        productInput: from,
        productGradient: from + 64 * vPointStride,
        firstTile: round * roundTiles,
        transformTiles,
        tilesPerBlock: perBlock,
        transformInput: into,
        transformGradient: into + 64 * vPointStride,
        vPointStride,
        yPointStride,
        tileSize: tileSize(conv.kernel),
      },
      productChunks + Math.ceil(transformTiles / perBlock),
    );
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
