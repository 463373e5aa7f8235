import type { AvgPool2dAttributes, TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { type AveragePoolArguments, runAvgPool, runAvgPoolBackward } from '../generated/bridge.gen.js';
import { serialElements } from '../thread-pool.js';
import { addressOf } from '../views.js';

/** The AveragePool arguments both directions share; `source` and `destination` are the caller's. */
function geometry(
  context: WasmContext,
  inputShape: readonly number[],
  outputShape: readonly number[],
  attributes: AvgPool2dAttributes,
): Omit<AveragePoolArguments, 'source' | 'destination'> {
  const [batch, channels, height, width] = inputShape as [number, number, number, number];
  const planes = batch * channels;
  return {
    planes,
    height,
    width,
    outHeight: outputShape[2]!,
    outWidth: outputShape[3]!,
    kernelHeight: attributes.kernelSize[0],
    kernelWidth: attributes.kernelSize[1],
    strideHeight: attributes.stride[0],
    strideWidth: attributes.stride[1],
    paddingHeight: attributes.padding[0],
    paddingWidth: attributes.padding[1],
    countIncludePad: attributes.countIncludePad,
    divisorOverride: attributes.divisorOverride ?? 0,
    planesPerChunk: Math.max(1, Math.ceil(planes / (context.pool.threads * 4)), Math.ceil(planes / 0xffff)),
  };
}

/** Each window's sum over its divisor, planes shared among the threads (float32; register-all routes the rest). */
export function avgPool2d(context: WasmContext, input: TensorView, output: TensorView, attributes: AvgPool2dAttributes): void {
  const shared = geometry(context, input.shape, output.shape, attributes);
  if (shared.planes === 0) return;
  runAvgPool(
    context.pool,
    { ...shared, source: addressOf(input), destination: addressOf(output) },
    Math.ceil(shared.planes / shared.planesPerChunk),
    shared.planes * shared.height * shared.width < serialElements,
  );
}

/** Spreads each output gradient over its window, divided as the forward pass divided, into the zeroed gradInput. */
export function avgPool2dBackward(
  context: WasmContext,
  gradOutput: TensorView,
  gradInput: TensorView,
  attributes: AvgPool2dAttributes,
): void {
  const shared = geometry(context, gradInput.shape, gradOutput.shape, attributes);
  if (shared.planes === 0) return;
  runAvgPoolBackward(
    context.pool,
    { ...shared, source: addressOf(gradOutput), destination: addressOf(gradInput) },
    Math.ceil(shared.planes / shared.planesPerChunk),
    shared.planes * shared.height * shared.width < serialElements,
  );
}
