import type { WasmContext } from '../context.js';
import { runWinogradInput, runWinograd as runWinogradTask, runWinogradWeights } from '../generated/bridge.gen.js';
import { serialElements } from '../thread-pool.js';
import { maximumChunks } from '../worker/chunk-claim.js';

/** Whether 3×3 and 5×5 stride-1 convolutions run as Winograd F(6×6, 3×3) and F(4×4, 5×5) (see `useWinograd`). */
export const winogradSettings = { enabled: true };

/**
 * Most bytes of transformed filters (U, 64 points × K × N floats, 2.56× the weights) or of the weight gradient's
 * accumulator (one such block) a layer may need; larger layers stay on the direct kernels, which need
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
): boolean {
  return (
    isWinogradShape(kernel, stride, dilation, groups) &&
    depth > 0 &&
    width > 0 &&
    depth % 8 === 0 &&
    width % 4 === 0 &&
    64 * depth * width * 4 <= winogradWorkspaceLimit
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

/** Bytes from one interpolation point's block to the next: `pointStride` in assembly/winograd.ts (64 bytes of skew). */
export const pointStride = (rows: number, rowBytes: number) => rows * rowBytes + 64;

/** Output tile size m for a kernel of size r: the input windows are 8×8 = m + r - 1. */
export const tileSize = (kernel: 3 | 5) => 9 - kernel;

/** The tiling arguments that lead the Winograd tasks' arguments (`tiling` in src/bridge/winograd-tasks.ts). */
interface Tiling {
  readonly depth: number;
  readonly width: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly tileRows: number;
  readonly tileColumns: number;
  readonly paddedHeight: number;
  readonly paddedWidth: number;
  /** The channels-last copy of the input. */
  readonly input: number;
}

/**
 * The input as zero-padded channels-last rows covering every 8×8 window of the output's m×m tiles, and the tiling
 * arguments that describe it to the tasks.
 */
export function tiledInput(
  context: WasmContext,
  conv: Omit<WinogradConvolution, 'weight' | 'strideN' | 'strideK' | 'flip'>,
  input: number,
): Tiling {
  const step = tileSize(conv.kernel);
  const tileRows = Math.ceil(conv.outHeight / step),
    tileColumns = Math.ceil(conv.outWidth / step);
  const paddedHeight = tileRows * step + 8 - step,
    paddedWidth = tileColumns * step + 8 - step;
  const rows = conv.batch * paddedHeight;
  const channelsLast = context.workspaces.get('winogradInput', rows * paddedWidth * conv.depth * 4);
  const rowsPerChunk = Math.max(1, Math.ceil(rows / Math.min(maximumChunks, context.pool.threads * 4)));
  runWinogradInput(
    context.pool,
    {
      source: input,
      destination: channelsLast,
      depth: conv.depth,
      height: conv.height,
      width: conv.inputWidth,
      top: conv.padding[0],
      left: conv.padding[1],
      paddedHeight,
      paddedWidth,
      rowsPerChunk,
      rows,
    },
    Math.ceil(rows / rowsPerChunk),
    rows * paddedWidth * conv.depth < serialElements,
  );
  const { depth, width, outHeight, outWidth } = conv;
  return { depth, width, outHeight, outWidth, tileRows, tileColumns, paddedHeight, paddedWidth, input: channelsLast };
}

/** output[b, n] = Σₖ filter(n, k) ⋆ input[b, k] (+ bias[n]), NCHW in and out, as Winograd F(4×4, 5×5) or F(6×6, 3×3). */
export function runWinograd(context: WasmContext, conv: WinogradConvolution, input: number, bias: number, output: number): void {
  const { batch, depth, width } = conv;
  const pool = context.pool,
    threads = pool.threads;
  const u = context.workspaces.get('winogradWeights', 64 * pointStride(depth, width * 4));
  // Runs of input channels, a few per thread: a chunk of one channel lasts under a microsecond, less than claiming it.
  const [weightScratch, weightStride] = context.threadScratch(65 * 16);
  const perChunk = Math.ceil(depth / (threads * 2));
  runWinogradWeights(
    pool,
    {
      weight: conv.weight,
      transformed: u,
      depth,
      width,
      strideN: conv.strideN,
      strideK: conv.strideK,
      flip: conv.flip,
      scratch: weightScratch,
      scratchStride: weightStride,
      channelsPerChunk: perChunk,
      kernel: conv.kernel,
    },
    Math.ceil(depth / perChunk),
  );

  const tiling = tiledInput(context, conv, input);

  // Blocks of up to 16 tiles keep V and M (64 points each) in L2; small batches shrink the blocks, then split the
  // output channels, until every thread has two chunks.
  const tiles = batch * tiling.tileRows * tiling.tileColumns;
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
  // V and M of a block, point-major: 64 points of perBlock tiles each (assembly/winograd.ts).
  const blockBytes = 64 * (pointStride(perBlock, depth * 4) + pointStride(perBlock, shareWidth * 4));
  const [scratch, stride] = context.threadScratch(128 + 1024 + blockBytes);
  runWinogradTask(
    pool,
    {
      ...tiling,
      transformedWeights: u,
      bias,
      output,
      scratch,
      scratchStride: stride,
      tilesPerBlock: perBlock,
      shareWidth,
      shares,
      tiles,
      tileSize: tileSize(conv.kernel),
    },
    chunks(),
  );
}
