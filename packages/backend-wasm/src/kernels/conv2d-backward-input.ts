import { conv2dBackwardInput as referenceBackwardInput } from '@lantern/backend-cpu/kernels';
import type { Conv2dAttributes, TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { runConvBackwardInput, runTransposeWeights } from '../generated/bridge.gen.js';
import { serialElements } from '../thread-pool.js';
import { addressOf, cpuView, elementCount } from '../views.js';
import { geometryArguments, padPlanes, runConvolution } from './conv2d.js';
import { runWinograd, winogradApplies } from './winograd.js';

/**
 * dL/dinput. For stride 1, dilation 1 and one group it is itself a convolution: the output gradient, padded by
 * (kernel - 1 - padding), convolved with the weights transposed to [C, O] and flipped in both kernel axes (the flip
 * is free: the kernel reads the taps in mirrored order). That runs
 * on the forward kernel, whose chunks write disjoint outputs, so it needs neither a column buffer nor col2im's
 * overlapping scatter-adds. Strided, dilated and grouped convolutions take the GEMM + col2im path below.
 */
export function conv2dBackwardInput(
  context: WasmContext,
  gradOutput: TensorView,
  weight: TensorView,
  gradInput: TensorView,
  attributes: Conv2dAttributes,
): void {
  const [outChannels, , kernelHeight, kernelWidth] = weight.shape as [number, number, number, number];
  const [batch, channels, height, width] = gradInput.shape as [number, number, number, number];
  const [, , outHeight, outWidth] = gradOutput.shape as [number, number, number, number];
  const [ph, pw] = attributes.padding;
  const direct =
    attributes.stride[0] === 1 &&
    attributes.stride[1] === 1 &&
    attributes.dilation[0] === 1 &&
    attributes.dilation[1] === 1 &&
    attributes.groups === 1 &&
    ph <= kernelHeight - 1 &&
    pw <= kernelWidth - 1;
  if (batch === 0 || channels === 0) return;
  // No output channels: nothing flows back, and the kernel still sets all of gradInput (core's contract).
  if (outChannels === 0) {
    context.exports.zero(addressOf(gradInput), elementCount(gradInput) * 4);
    return;
  }
  if (!direct) {
    columnsAndScatter(context, gradOutput, weight, gradInput, attributes);
    return;
  }
  if (
    winogradApplies(outChannels, channels, [kernelHeight, kernelWidth], attributes.stride, attributes.dilation, attributes.groups)
  ) {
    // The filter for (input channel c, output channel o) is weight[o, c] mirrored.
    runWinograd(
      context,
      {
        batch,
        depth: outChannels,
        width: channels,
        height: outHeight,
        inputWidth: outWidth,
        outHeight: height,
        outWidth: width,
        padding: [kernelHeight - 1 - ph, kernelWidth - 1 - pw],
        kernel: kernelHeight as 3 | 5,
        weight: addressOf(weight),
        strideN: kernelHeight * kernelHeight,
        strideK: channels * kernelHeight * kernelHeight,
        flip: true,
      },
      addressOf(gradOutput),
      0,
      addressOf(gradInput),
    );
    return;
  }
  const transposed = context.workspaces.get('transposedWeight', outChannels * channels * kernelHeight * kernelWidth * 4);
  runTransposeWeights(
    context.pool,
    { weight: addressOf(weight), transposed, outChannels, channels, kernelArea: kernelHeight * kernelWidth },
    outChannels,
    outChannels * channels * kernelHeight * kernelWidth < serialElements,
  );
  const padded = padPlanes(context, addressOf(gradOutput), batch * outChannels, outHeight, outWidth, [
    kernelHeight - 1 - ph,
    kernelWidth - 1 - pw,
  ]);
  runConvolution(
    context,
    {
      batch,
      channels: outChannels,
      outChannels: channels,
      kernelHeight,
      kernelWidth,
      outHeight: height,
      outWidth: width,
      stride: [1, 1],
      dilation: [1, 1],
      groups: 1,
      flipTaps: true,
    },
    padded,
    transposed,
    0,
    addressOf(gradInput),
  );
}

/** gradCols = Wᵀ · gradOut per (image, group, channel block), then col2im (assembly/conv-backward-input.ts). */
function columnsAndScatter(
  context: WasmContext,
  gradOutput: TensorView,
  weight: TensorView,
  gradInput: TensorView,
  attributes: Conv2dAttributes,
): void {
  const [outChannels, , kernelHeight, kernelWidth] = weight.shape as [number, number, number, number];
  const [batch, channels, height, width] = gradInput.shape as [number, number, number, number];
  const [, , outHeight, outWidth] = gradOutput.shape as [number, number, number, number];
  const groups = attributes.groups,
    inPerGroup = channels / groups,
    outPerGroup = outChannels / groups;
  const plane = outHeight * outWidth,
    area = kernelHeight * kernelWidth;
  // Column blocks of at most ~256 KiB per thread, smaller while there are too few chunks to share.
  let blockChannels = Math.max(1, Math.min(inPerGroup, Math.floor(65536 / (area * plane))));
  const chunks = (perBlock: number) => batch * groups * Math.ceil(inPerGroup / perBlock);
  while (chunks(blockChannels) < context.pool.threads * 4 && blockChannels > 1) blockChannels = Math.ceil(blockChannels / 2);
  if (chunks(blockChannels) > 0xffff) {
    referenceBackwardInput(cpuView(context, gradOutput), cpuView(context, weight), cpuView(context, gradInput), attributes);
    return;
  }
  const [scratch, stride] = context.threadScratch(192 + outPerGroup * 32 + blockChannels * area * plane * 4);
  runConvBackwardInput(
    context.pool,
    {
      ...geometryArguments({ batch, channels, outChannels, kernelHeight, kernelWidth, outHeight, outWidth, ...attributes }),
      height,
      width,
      paddingHeight: attributes.padding[0],
      paddingWidth: attributes.padding[1],
      gradOutput: addressOf(gradOutput),
      weight: addressOf(weight),
      gradInput: addressOf(gradInput),
      scratch,
      scratchStride: stride,
      blockChannels,
    },
    chunks(blockChannels),
  );
}
