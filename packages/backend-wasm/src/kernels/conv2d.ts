import type { Conv2dAttributes, TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { runConvForward, runPad } from '../generated/bridge.gen.js';
import { serialElements } from '../thread-pool.js';
import { addressOf } from '../views.js';
import { runWinograd, winogradApplies } from './winograd.js';

export interface PaddedInput {
  readonly address: number;
  readonly height: number;
  readonly width: number;
}

/** Copies [planes, H, W] at `source` into a zero-bordered workspace (or uses it in place when there is no padding). */
export function padPlanes(
  context: WasmContext,
  source: number,
  planes: number,
  height: number,
  width: number,
  padding: readonly [number, number],
  workspace = 'padded',
): PaddedInput {
  const [ph, pw] = padding;
  if (ph === 0 && pw === 0) return { address: source, height, width };
  const paddedHeight = height + 2 * ph,
    paddedWidth = width + 2 * pw;
  const destination = context.workspaces.get(workspace, planes * paddedHeight * paddedWidth * 4);
  const chunks = Math.min(planes, context.pool.threads * 4, 0xffff);
  const perChunk = Math.ceil(planes / chunks);
  runPad(
    context.pool,
    { source, destination, planes, height, width, top: ph, bottom: ph, left: pw, right: pw, planesPerChunk: perChunk },
    Math.ceil(planes / perChunk),
    planes * paddedHeight * paddedWidth < serialElements,
  );
  return { address: destination, height: paddedHeight, width: paddedWidth };
}

export interface ConvolutionShape {
  readonly batch: number;
  readonly channels: number;
  readonly outChannels: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly stride: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
  /** Read every kernel tap mirrored, (KH-1-i, KW-1-j): the input gradient's convolution. */
  readonly flipTaps?: boolean;
}

/** The geometry that leads every direct convolution task's arguments (`geometry` in src/bridge/convolution-tasks.ts). */
export function geometryArguments(shape: Omit<ConvolutionShape, 'flipTaps'>) {
  const { batch, channels, outChannels, kernelHeight, kernelWidth, outHeight, outWidth, groups } = shape;
  const [strideHeight, strideWidth] = shape.stride,
    [dilationHeight, dilationWidth] = shape.dilation;
  return {
    batch,
    channels,
    outChannels,
    kernelHeight,
    kernelWidth,
    outHeight,
    outWidth,
    groups,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
  };
}

/**
 * Runs convForwardTask: output[n, o] = Σ weight[o] ⋆ padded input[n] (+ bias). Chunks are (image, group, pixel
 * block, channel share); blocks shrink, then output channels split, until every thread has several chunks.
 */
export function runConvolution(
  context: WasmContext,
  shape: ConvolutionShape,
  input: PaddedInput,
  weight: number,
  bias: number,
  output: number,
): void {
  const { batch, channels, outChannels, kernelHeight, kernelWidth, outHeight, outWidth, groups } = shape;
  const threads = context.pool.threads;
  const plane = outHeight * outWidth,
    depth = (channels / groups) * kernelHeight * kernelWidth;
  const outPerGroup = outChannels / groups;
  let blockPixels = Math.min(128, Math.ceil(plane / 8) * 8),
    splits = 1;
  const chunks = () => batch * groups * Math.ceil(plane / blockPixels) * splits;
  // Too few chunks for the pool (small batches): split the output channels while shares stay 16 rows or more, which
  // halves the weight rows each chunk streams; otherwise halve the pixel blocks, down to 16.
  while (chunks() < threads * 3) {
    if (blockPixels <= 64 && outPerGroup / (splits * 2) >= 16) splits *= 2;
    else if (blockPixels > 16) blockPixels = Math.ceil(blockPixels / 16) * 8;
    else break;
  }
  const [scratch, stride] = context.threadScratch(320 + depth * 4 + blockPixels * depth * 4);
  const imagesPerDispatch = Math.max(1, Math.floor((0xffff / chunks()) * batch));
  for (let first = 0; first < batch; first += imagesPerDispatch) {
    const images = Math.min(imagesPerDispatch, batch - first);
    runConvForward(
      context.pool,
      {
        ...geometryArguments({ ...shape, batch: images }),
        paddedHeight: input.height,
        paddedWidth: input.width,
        input: input.address + first * channels * input.height * input.width * 4,
        weight,
        bias,
        output: output + first * outChannels * plane * 4,
        scratch,
        scratchStride: stride,
        blockPixels,
        channelSplits: splits,
        flipTaps: shape.flipTaps ?? false,
      },
      images * groups * Math.ceil(plane / blockPixels) * splits,
    );
  }
}

/**
 * conv2d forward on float32: Winograd where it applies, else pad, then unfold-and-multiply per pixel block (other
 * dtypes never get here: register-all.ts sends them to the cpu reference).
 */
export function conv2d(
  context: WasmContext,
  input: TensorView,
  weight: TensorView,
  bias: TensorView | null,
  output: TensorView,
  attributes: Conv2dAttributes,
): void {
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const [outChannels, , kernelHeight, kernelWidth] = weight.shape as [number, number, number, number];
  const [, , outHeight, outWidth] = output.shape as [number, number, number, number];
  if (batch === 0 || outChannels === 0) return;
  if (
    winogradApplies(channels, outChannels, [kernelHeight, kernelWidth], attributes.stride, attributes.dilation, attributes.groups)
  ) {
    runWinograd(
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
        weight: addressOf(weight),
        strideN: channels * kernelHeight * kernelHeight,
        strideK: kernelHeight * kernelHeight,
        flip: false,
      },
      addressOf(input),
      bias ? addressOf(bias) : 0,
      addressOf(output),
    );
    return;
  }
  const padded = padPlanes(context, addressOf(input), batch * channels, height, width, attributes.padding);
  runConvolution(
    context,
    {
      batch,
      channels,
      outChannels,
      kernelHeight,
      kernelWidth,
      outHeight,
      outWidth,
      stride: attributes.stride,
      dilation: attributes.dilation,
      groups: attributes.groups,
    },
    padded,
    addressOf(weight),
    bias ? addressOf(bias) : 0,
    addressOf(output),
  );
}
