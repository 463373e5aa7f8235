import type { WasmContext } from '../context.js';
import { maximumChunks } from '../tasks.js';
import { serialElements } from '../thread-pool.js';

/** Whether convolutions with 5×5 kernels at stride 1 run as Winograd F(4×4, 5×5) (see `useWinograd`). */
export const winogradSettings = { enabled: true };

/**
 * Whether a convolution can take the Winograd path: 5×5 kernel, stride 1, dilation 1, one group, and channel counts
 * the vector transforms and the 8-column GEMM tile cover without edge cases (K input channels a multiple of 4, at
 * least 8; N output channels a multiple of 8). Shallow inputs (K = 3, the first layer of an image model) stay direct:
 * their product is too short to pay for the transforms.
 */
export function winogradApplies(depth: number, width: number, kernel: readonly [number, number], stride: readonly [number, number],
  dilation: readonly [number, number], groups: number): boolean {
  return winogradSettings.enabled && kernel[0] === 5 && kernel[1] === 5 && stride[0] === 1 && stride[1] === 1 &&
    dilation[0] === 1 && dilation[1] === 1 && groups === 1 && depth >= 8 && depth % 4 === 0 && width % 8 === 0;
}

export interface WinogradConvolution {
  readonly batch: number;
  /** Input channels of the product (the convolution's input, or the output gradient's channels). */
  readonly depth: number;
  /** Output channels of the product. */
  readonly width: number;
  readonly height: number; readonly inputWidth: number;
  readonly outHeight: number; readonly outWidth: number;
  readonly padding: readonly [number, number];
  /** The filter for (output n, input k) starts at weight + n·strideN + k·strideK floats; `flip` mirrors its taps. */
  readonly weight: number; readonly strideN: number; readonly strideK: number; readonly flip: boolean;
}

/** output[b, n] = Σₖ filter(n, k) ⋆ input[b, k] (+ bias[n]), NCHW in and out, as Winograd F(4×4, 5×5). */
export function runWinograd(context: WasmContext, conv: WinogradConvolution, input: number, bias: number, output: number): void {
  const { batch, depth, width, outHeight, outWidth } = conv;
  const pool = context.pool, threads = pool.threads;
  const u = context.workspaces.get('winogradWeights', 64 * (depth * width * 4 + 64)); // uPointBytes in assembly/winograd.ts
  // Runs of input channels, a few per thread: a chunk of one channel lasts under a microsecond, less than claiming it.
  const [weightScratch, weightStride] = context.threadScratch(65 * 16);
  const perChunk = Math.ceil(depth / (threads * 2));
  pool.setInts([conv.weight, u, depth, width, conv.strideN, conv.strideK, conv.flip ? 1 : 0, weightScratch, weightStride, perChunk])
    .run('winogradWeightsTask', Math.ceil(depth / perChunk));

  const tileRows = Math.ceil(outHeight / 4), tileColumns = Math.ceil(outWidth / 4);
  const paddedHeight = tileRows * 4 + 4, paddedWidth = tileColumns * 4 + 4;
  const rows = batch * paddedHeight;
  const channelsLast = context.workspaces.get('winogradInput', rows * paddedWidth * depth * 4);
  const rowsPerChunk = Math.max(1, Math.ceil(rows / Math.min(maximumChunks, threads * 4)));
  pool.setInts([input, channelsLast, depth, conv.height, conv.inputWidth, conv.padding[0], conv.padding[1],
    paddedHeight, paddedWidth, rowsPerChunk, rows]).run('winogradInputTask', Math.ceil(rows / rowsPerChunk),
    rows * paddedWidth * depth < serialElements);

  // Blocks of up to 16 tiles keep V and M (64 points each) in L2; small batches shrink the blocks, then split the
  // output channels, until every thread has two chunks.
  const tiles = batch * tileRows * tileColumns;
  let perBlock = 16, shares = 1;
  const chunks = () => Math.ceil(tiles / perBlock) * shares;
  while (chunks() < threads * 2) {
    if (perBlock > 4) perBlock /= 2;
    else if (width / (shares * 2) >= 8 && (width / (shares * 2)) % 8 === 0) shares *= 2;
    else break;
  }
  while (chunks() > maximumChunks) perBlock *= 2;
  const shareWidth = width / shares;
  const [scratch, stride] = context.threadScratch(128 + 1024 + perBlock * (64 * (depth + shareWidth) * 4 + 128));
  pool.setInts([depth, width, outHeight, outWidth, tileRows, tileColumns, paddedHeight, paddedWidth, channelsLast, u, bias,
    output, scratch, stride, perBlock, shareWidth, shares, tiles]).run('winogradTask', chunks());
}
