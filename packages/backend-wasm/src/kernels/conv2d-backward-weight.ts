import { conv2dBackwardWeight as referenceBackwardWeight } from '@lantern/backend-cpu/kernels';
import type { Conv2dAttributes, TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { runConvBackwardWeight, runConvBackwardWeightFinish, runPackGradOutput } from '../generated/bridge.gen.js';
import { addressOf, cpuView, elementCount } from '../views.js';
import { geometryArguments, padPlanes } from './conv2d.js';
import { winogradGradientApplies } from './winograd.js';
import { runWinogradWeightGradient } from './winograd-weight-gradient.js';

/**
 * dL/dweight as gradWᵀ[K, O] = Σ_n columns_n · gradOut_nᵀ (assembly/conv-backward-weight.ts): pad the input, pack
 * the output gradient into 8-channel panels, then chunks over (row block of K, range of images) each sum into their
 * range's accumulator, and a last pass adds the ranges in order and writes the gradient transposed.
 */
export function conv2dBackwardWeight(
  context: WasmContext,
  gradOutput: TensorView,
  input: TensorView,
  gradWeight: TensorView,
  attributes: Conv2dAttributes,
): void {
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const [outChannels, , kernelHeight, kernelWidth] = gradWeight.shape as [number, number, number, number];
  const [, , outHeight, outWidth] = gradOutput.shape as [number, number, number, number];
  const groups = attributes.groups;
  const plane = outHeight * outWidth,
    depth = (channels / groups) * kernelHeight * kernelWidth;
  const panels = Math.ceil(outChannels / groups / 8);
  if (depth === 0 || outChannels === 0) return;
  // No images: a zero gradient, which the kernel writes itself (it sets all of gradWeight: core's contract).
  if (batch === 0) {
    context.exports.zero(addressOf(gradWeight), elementCount(gradWeight) * 4);
    return;
  }
  if (batch * groups > 0xffff) {
    referenceBackwardWeight(cpuView(context, gradOutput), cpuView(context, input), cpuView(context, gradWeight), attributes);
    return;
  }
  if (
    winogradGradientApplies(channels, outChannels, [kernelHeight, kernelWidth], attributes.stride, attributes.dilation, groups)
  ) {
    runWinogradWeightGradient(
      context,
      {
        batch,
        depth: channels,
        width: outChannels,
        height,
        inputWidth: width,
        outHeight,
        outWidth,
        padding: attributes.padding,
        kernel: kernelHeight as 3 | 5,
      },
      addressOf(input),
      addressOf(gradOutput),
      addressOf(gradWeight),
    );
    return;
  }
  const pool = context.pool;
  const padded = padPlanes(context, addressOf(input), batch * channels, height, width, attributes.padding);
  const packed = context.workspaces.get('packedGradOutput', batch * groups * panels * plane * 32);
  runPackGradOutput(
    pool,
    { batch, outChannels, groups, plane, gradOutput: addressOf(gradOutput), packed, panelsPerGroup: panels },
    batch * groups,
  );
  // Large batches: ranges of images, each over every row of K, so each image's packed gradient streams from memory
  // once (blocks of rows over the whole batch read all of it once per block: conv1 at batch 64, 8 MB ten times). The
  // ranges depend on the batch alone, so the sum's order does not depend on the thread count. Small batches, whose
  // packed gradient stays in cache: blocks of rows, at least four per thread (conv1's K = 75 in 7 left one thread a
  // whole block behind).
  const packedBytes = batch * groups * panels * plane * 32;
  const imagesPerRange = packedBytes > 1024 * 1024 ? Math.ceil(batch / 16) : batch;
  const imageRanges = Math.ceil(batch / imagesPerRange);
  let blockRows = imageRanges > 1 ? Math.ceil(depth / 4) * 4 : Math.min(32, Math.ceil(depth / 4) * 4);
  while (imageRanges === 1 && groups * Math.ceil(depth / blockRows) < pool.threads * 4 && blockRows > 4) blockRows -= 4;
  const accumulator = context.workspaces.get('weightAccumulator', imageRanges * groups * depth * panels * 32);
  const [scratch, stride] = context.threadScratch(blockRows * 4);
  const rowBlocks = groups * Math.ceil(depth / blockRows);
  const convolution = {
    ...geometryArguments({ batch, channels, outChannels, kernelHeight, kernelWidth, outHeight, outWidth, ...attributes }),
    paddedHeight: padded.height,
    paddedWidth: padded.width,
    input: padded.address,
    packed,
    gradWeight: addressOf(gradWeight),
    accumulator,
    scratch,
    scratchStride: stride,
    blockRows,
    imagesPerRange,
    imageRanges,
  };
  runConvBackwardWeight(pool, convolution, rowBlocks * imageRanges);
  runConvBackwardWeightFinish(pool, convolution, rowBlocks);
}
