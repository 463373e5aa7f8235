import { maxPool2d as referenceMaxPool2d, maxPool2dBackward as referenceMaxPool2dBackward } from '@lantern/backend-cpu/kernels';
import type { Pool2dAttributes, TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { serialElements } from '../thread-pool.js';
import { addressOf, cpuView, isFloat32 } from '../views.js';

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
  if (!isFloat32(input, output)) {
    referenceMaxPool2d(cpuView(context, input), cpuView(context, output), cpuView(context, indices), attributes);
    return;
  }
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const planes = batch * channels,
    perChunk = planesPerChunk(planes, context.pool.threads);
  context.pool
    .setInts([
      planes,
      height,
      width,
      output.shape[2]!,
      output.shape[3]!,
      attributes.kernelSize[0],
      attributes.kernelSize[1],
      attributes.stride[0],
      attributes.stride[1],
      attributes.padding[0],
      attributes.padding[1],
      attributes.dilation[0],
      attributes.dilation[1],
      addressOf(input),
      addressOf(output),
      addressOf(indices),
      perChunk,
    ])
    .run('maxPoolTask', Math.ceil(planes / perChunk), planes * height * width < serialElements);
}

export function maxPool2dBackward(
  context: WasmContext,
  gradOutput: TensorView,
  indices: TensorView,
  gradInput: TensorView,
): void {
  if (!isFloat32(gradOutput, gradInput)) {
    referenceMaxPool2dBackward(cpuView(context, gradOutput), cpuView(context, indices), cpuView(context, gradInput));
    return;
  }
  const [batch, channels, outHeight, outWidth] = gradOutput.shape as [number, number, number, number];
  const planes = batch * channels,
    perChunk = planesPerChunk(planes, context.pool.threads);
  context.pool
    .setInts([
      planes,
      gradInput.shape[2]! * gradInput.shape[3]!,
      outHeight * outWidth,
      addressOf(gradOutput),
      addressOf(indices),
      addressOf(gradInput),
      perChunk,
    ])
    .run(
      'maxPoolBackwardTask',
      Math.ceil(planes / perChunk),
      planes * gradInput.shape[2]! * gradInput.shape[3]! < serialElements,
    );
}
