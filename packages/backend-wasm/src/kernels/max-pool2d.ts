import type { Pool2dAttributes, TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { runMaxPool, runMaxPoolBackward } from '../generated/bridge.gen.js';
import { serialElements } from '../thread-pool.js';
import { addressOf } from '../views.js';

function planesPerChunk(planes: number, threads: number): number {
  return Math.max(1, Math.ceil(planes / (threads * 4)), Math.ceil(planes / 0xffff));
}

export function maxPool2d(
  context: WasmContext,
  input: TensorView,
  output: TensorView,
  indices: TensorView,
  attributes: Pool2dAttributes,
): void {
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const planes = batch * channels,
    perChunk = planesPerChunk(planes, context.pool.threads);
  runMaxPool(
    context.pool,
    {
      planes,
      height,
      width,
      outHeight: output.shape[2]!,
      outWidth: output.shape[3]!,
      kernelHeight: attributes.kernelSize[0],
      kernelWidth: attributes.kernelSize[1],
      strideHeight: attributes.stride[0],
      strideWidth: attributes.stride[1],
      paddingHeight: attributes.padding[0],
      paddingWidth: attributes.padding[1],
      dilationHeight: attributes.dilation[0],
      dilationWidth: attributes.dilation[1],
      input: addressOf(input),
      output: addressOf(output),
      indices: addressOf(indices),
      planesPerChunk: perChunk,
    },
    Math.ceil(planes / perChunk),
    planes * height * width < serialElements,
  );
}

export function maxPool2dBackward(
  context: WasmContext,
  gradOutput: TensorView,
  indices: TensorView,
  gradInput: TensorView,
): void {
  const [batch, channels, outHeight, outWidth] = gradOutput.shape as [number, number, number, number];
  const planes = batch * channels,
    perChunk = planesPerChunk(planes, context.pool.threads);
  const inputPlane = gradInput.shape[2]! * gradInput.shape[3]!;
  runMaxPoolBackward(
    context.pool,
    {
      planes,
      inputPlane,
      outputPlane: outHeight * outWidth,
      gradOutput: addressOf(gradOutput),
      indices: addressOf(indices),
      gradInput: addressOf(gradInput),
      planesPerChunk: perChunk,
    },
    Math.ceil(planes / perChunk),
    planes * inputPlane < serialElements,
  );
}
