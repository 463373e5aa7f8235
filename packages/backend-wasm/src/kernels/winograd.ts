import type { WasmContext } from '../context.js';
import { maximumChunks } from '../tasks.js';
import { serialElements } from '../thread-pool.js';

/** Whether 3×3 and 5×5 stride-1 convolutions run as Winograd F(6×6, 3×3) and F(4×4, 5×5) (see `useWinograd`). */
export const winogradSettings = { enabled: true };

/**
 * Most bytes of transformed filters (U, 64 points × K × N floats, 2.56× the weights) or of weight-gradient
 * accumulators (one such block per thread) a layer may need; larger layers stay on the direct kernels, which need
 * no such buffers, rather than take a large share of wasm32's 4 GiB.
 */
export const winogradWorkspaceLimit = 64 * 1024 * 1024;

function isWinogradShape(
  kernel: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
  groups: number,
): boolean {
  return (
    winogradSettings.enabled &&
    (kernel[0] === 3 || kernel[0] === 5) &&
    kernel[1] === kernel[0] &&
    stride[0] === 1 &&
    stride[1] === 1 &&
    dilation[0] === 1 &&
    dilation[1] === 1 &&
    groups === 1
  );
}

/**
 * Whether a convolution (or an input gradient, as a convolution) can take the Winograd path: 3×3 or 5×5 kernel, stride 1,
 * dilation 1, one group, and channel counts the vector transforms and the 8-column GEMM tile cover without edge
 * cases (K input channels a multiple of 4, at least 8; N output channels a multiple of 8). Shallow inputs (K = 3,
 * the first layer of an image model) stay direct: their product is too short to pay for the transforms.
 */
export function winogradApplies(
  depth: number,
  width: number,
  kernel: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
  groups: number,
): boolean {
  return (
    isWinogradShape(kernel, stride, dilation, groups) &&
    depth >= 8 &&
    depth % 4 === 0 &&
    width % 8 === 0 &&
    64 * depth * width * 4 <= winogradWorkspaceLimit
  );
}

/** Whether a weight gradient can take the Winograd path (K input channels a multiple of 8, N output a multiple of 4). */
export function winogradGradientApplies(
  depth: number,
  width: number,
  kernel: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
  groups: number,
  threads: number,
): boolean {
  return (
    isWinogradShape(kernel, stride, dilation, groups) &&
    depth > 0 &&
    width > 0 &&
    depth % 8 === 0 &&
    width % 4 === 0 &&
    threads * 64 * depth * width * 4 <= winogradWorkspaceLimit
  );
}

export interface WinogradConvolution {
  readonly batch: number;
  /** Input channels of the product (the convolution's input, or the output gradient's channels). */
  readonly depth: number;
  /** Output channels of the product. */
  readonly width: number;
  readonly height: number;
  readonly inputWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly padding: readonly [number, number];
  /** Kernel size r (3 or 5): output tiles are m×m with m = 8 - r + 1 (6 or 4), over 8×8 input windows. */
  readonly kernel: 3 | 5;
  /** The filter for (output n, input k) starts at weight + n·strideN + k·strideK floats; `flip` mirrors its taps. */
  readonly weight: number;
  readonly strideN: number;
  readonly strideK: number;
  readonly flip: boolean;
}

/** Output tile size m for a kernel of size r: the input windows are 8×8 = m + r - 1. */
const tileSize = (kernel: 3 | 5) => 9 - kernel;

interface TiledInput {
  readonly tileRows: number;
  readonly tileColumns: number;
  readonly paddedHeight: number;
  readonly paddedWidth: number;
  readonly channelsLast: number;
}

/** The input as zero-padded channels-last rows covering every 8×8 window of the output's m×m tiles. */
function tiledInput(
  context: WasmContext,
  conv: Omit<WinogradConvolution, 'weight' | 'strideN' | 'strideK' | 'flip'>,
  input: number,
): TiledInput {
  const step = tileSize(conv.kernel);
  const tileRows = Math.ceil(conv.outHeight / step),
    tileColumns = Math.ceil(conv.outWidth / step);
  const paddedHeight = tileRows * step + 8 - step,
    paddedWidth = tileColumns * step + 8 - step;
  const rows = conv.batch * paddedHeight;
  const channelsLast = context.workspaces.get('winogradInput', rows * paddedWidth * conv.depth * 4);
  const rowsPerChunk = Math.max(1, Math.ceil(rows / Math.min(maximumChunks, context.pool.threads * 4)));
  context.pool
    .setInts([
      input,
      channelsLast,
      conv.depth,
      conv.height,
      conv.inputWidth,
      conv.padding[0],
      conv.padding[1],
      paddedHeight,
      paddedWidth,
      rowsPerChunk,
      rows,
    ])
    .run('winogradInputTask', Math.ceil(rows / rowsPerChunk), rows * paddedWidth * conv.depth < serialElements);
  return { tileRows, tileColumns, paddedHeight, paddedWidth, channelsLast };
}

/** output[b, n] = Σₖ filter(n, k) ⋆ input[b, k] (+ bias[n]), NCHW in and out, as Winograd F(4×4, 5×5) or F(6×6, 3×3). */
export function runWinograd(context: WasmContext, conv: WinogradConvolution, input: number, bias: number, output: number): void {
  const { batch, depth, width, outHeight, outWidth } = conv;
  const pool = context.pool,
    threads = pool.threads;
  const u = context.workspaces.get('winogradWeights', 64 * (depth * width * 4 + 64)); // uPointBytes in assembly/winograd.ts
  // Runs of input channels, a few per thread: a chunk of one channel lasts under a microsecond, less than claiming it.
  const [weightScratch, weightStride] = context.threadScratch(65 * 16);
  const perChunk = Math.ceil(depth / (threads * 2));
  pool
    .setInts([
      conv.weight,
      u,
      depth,
      width,
      conv.strideN,
      conv.strideK,
      conv.flip ? 1 : 0,
      weightScratch,
      weightStride,
      perChunk,
      conv.kernel,
    ])
    .run('winogradWeightsTask', Math.ceil(depth / perChunk));

  const { tileRows, tileColumns, paddedHeight, paddedWidth, channelsLast } = tiledInput(context, conv, input);

  // Blocks of up to 16 tiles keep V and M (64 points each) in L2; small batches shrink the blocks, then split the
  // output channels, until every thread has two chunks.
  const tiles = batch * tileRows * tileColumns;
  let perBlock = 16,
    shares = 1;
  const chunks = () => Math.ceil(tiles / perBlock) * shares;
  while (chunks() < threads * 2) {
    if (perBlock > 4) perBlock /= 2;
    else if (width / (shares * 2) >= 8 && (width / (shares * 2)) % 8 === 0) shares *= 2;
    else break;
  }
  while (chunks() > maximumChunks) perBlock *= 2;
  const shareWidth = width / shares;
  const [scratch, stride] = context.threadScratch(128 + 1024 + perBlock * (64 * (depth + shareWidth) * 4 + 128));
  pool
    .setInts([
      depth,
      width,
      outHeight,
      outWidth,
      tileRows,
      tileColumns,
      paddedHeight,
      paddedWidth,
      channelsLast,
      u,
      bias,
      output,
      scratch,
      stride,
      perBlock,
      shareWidth,
      shares,
      tiles,
      tileSize(conv.kernel),
    ])
    .run('winogradTask', chunks());
}

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
  pool.setInts([
    depth,
    width,
    outHeight,
    outWidth,
    tileRows,
    tileColumns,
    paddedHeight,
    paddedWidth,
    channelsLast,
    gradOutput,
    accumulators,
    accumulatorBytes,
    flags,
    scratch,
    stride,
    perBlock,
    tiles,
    transformed,
    transformed + tiles * tileBytes(depth),
    pointsPerChunk,
    tileSize(conv.kernel),
  ]);
  if (fewTiles) {
    pool.run('winogradGradientTransformTask', Math.ceil(tiles / perBlock));
    pool.run('winogradGradientProductTask', Math.ceil(64 / pointsPerChunk));
  } else {
    pool.run('winogradGradientTask', Math.ceil(tiles / perBlock));
  }
  const [finishScratch, finishStride] = context.threadScratch(1024 + 640 + 400);
  const perChunk = Math.ceil(width / (threads * 2));
  pool
    .setInts([
      depth,
      width,
      accumulators,
      accumulatorBytes,
      flags,
      accumulatorCount,
      gradWeight,
      finishScratch,
      finishStride,
      perChunk,
      conv.kernel,
    ])
    .run('winogradGradientFinishTask', Math.ceil(width / perChunk));
}
