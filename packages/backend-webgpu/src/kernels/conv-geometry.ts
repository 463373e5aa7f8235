import { type Conv2dAttributes, DTypeError, formatShape } from '@lantern/tensor';
import type { GpuView } from '../layout.js';
import type { KernelRuntime } from '../runtime.js';
import { kernelWordBase } from './gemm.js';

const names = [
  'Batch',
  'Channels',
  'Height',
  'Width',
  'OutChannels',
  'KernelHeight',
  'KernelWidth',
  'OutHeight',
  'OutWidth',
  'StrideHeight',
  'StrideWidth',
  'PadHeight',
  'PadWidth',
  'DilationHeight',
  'DilationWidth',
  'Groups',
  'OffsetInput',
  'OffsetWeight',
  'OffsetOutput',
  'OffsetBias',
] as const;

/**
 * One convolution's geometry as GEMM parameter words, in the order of `names`: input [N, C, H, W], weight
 * [O, C/groups, KH, KW], output [N, O, OH, OW], attributes, then element offsets of the four operands. "Output" is
 * the forward output's role: gradOutput in the backward kernels.
 */
export function convolutionWords(
  inputShape: readonly number[],
  weightShape: readonly number[],
  outputShape: readonly number[],
  attributes: Conv2dAttributes,
  offsets: { input: number; weight: number; output: number; bias?: number },
): number[] {
  return [
    ...inputShape.slice(0, 4),
    weightShape[0]!,
    weightShape[2]!,
    weightShape[3]!,
    outputShape[2]!,
    outputShape[3]!,
    ...attributes.stride,
    ...attributes.padding,
    ...attributes.dilation,
    attributes.groups,
    offsets.input,
    offsets.weight,
    offsets.output,
    offsets.bias ?? 0,
  ];
}

/** WGSL accessors for those words (`conv` + name, as i32) and the derived per-group extents. */
export const convolutionAccessors = [
  ...names.map((name, index) => `fn conv${name}() -> i32 { return params[${kernelWordBase + index}]; }`),
  'fn convInPerGroup() -> i32 { return convChannels() / convGroups(); }',
  'fn convOutPerGroup() -> i32 { return convOutChannels() / convGroups(); }',
  'fn convKernelArea() -> i32 { return convKernelHeight() * convKernelWidth(); }',
  'fn convOutPlane() -> i32 { return convOutHeight() * convOutWidth(); }',
  'fn convInPlane() -> i32 { return convHeight() * convWidth(); }',
].join('\n');

/** The convolution kernels take float32 only, as PyTorch's CPU convolution does. */
export function assertFloat32(runtime: KernelRuntime, op: string, views: ReadonlyArray<GpuView | null>): void {
  for (const view of views) {
    if (view && view.dtype !== 'float32') {
      throw new DTypeError(
        `${op}: backend '${runtime.backendName}' expects float32 operands, got ${view.dtype} of shape ${formatShape(view.shape)}`,
      );
    }
  }
}
