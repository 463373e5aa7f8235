import type { TensorView } from './backend.js';
import type { FastKernelName } from './kernel-names.js';

/** Attributes of conv2d and its two backward kernels; every pair is (height, width). */
export interface Conv2dAttributes {
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

export interface Pool2dAttributes {
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
}

export interface SgdAttributes {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
  /** True on the first step, when PyTorch initialises the momentum buffer to the gradient itself. */
  readonly firstStep: boolean;
}

export interface AdamAttributes {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** AdamW applies weight decay to the parameter directly instead of adding it to the gradient. */
  readonly decoupledWeightDecay: boolean;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
  /** The step count after this step (1 on the first step). */
  readonly step: number;
}

/**
 * Signatures of the optional fast kernels. Core hands them contiguous views and allocates their outputs; each one has
 * a composition of primitives in core that gives the same result when a backend does not register it.
 */
export interface FastKernelSignatures {
  /** input [N, C, H, W], weight [O, C/groups, KH, KW], bias [O] or null → output [N, O, OH, OW]. */
  conv2d(input: TensorView, weight: TensorView, bias: TensorView | null, output: TensorView, attributes: Conv2dAttributes): void;
  conv2dBackwardInput(gradOutput: TensorView, weight: TensorView, gradInput: TensorView, attributes: Conv2dAttributes): void;
  conv2dBackwardWeight(gradOutput: TensorView, input: TensorView, gradWeight: TensorView, attributes: Conv2dAttributes): void;
  /** Writes the max of each window and its flat index into the input's H*W plane (PyTorch's indices). */
  maxPool2d(input: TensorView, output: TensorView, indices: TensorView, attributes: Pool2dAttributes): void;
  /** Scatters gradOutput into gradInput (zero-filled by core) at the saved indices, accumulating. */
  maxPool2dBackward(gradOutput: TensorView, indices: TensorView, gradInput: TensorView): void;
  /** logits [N, C], int32 targets [N] → per-sample loss [N] (-log softmax at the target) and softmax [N, C]. */
  softmaxCrossEntropy(logits: TensorView, targets: TensorView, losses: TensorView, probabilities: TensorView): void;
  /** In-place SGD step of one parameter; momentumBuffer is null when momentum is 0. */
  sgdUpdate(parameter: TensorView, grad: TensorView, momentumBuffer: TensorView | null, attributes: SgdAttributes): void;
  /** In-place Adam/AdamW step of one parameter; maxExpAvgSq is null unless amsgrad. */
  adamUpdate(
    parameter: TensorView,
    grad: TensorView,
    expAvg: TensorView,
    expAvgSq: TensorView,
    maxExpAvgSq: TensorView | null,
    attributes: AdamAttributes,
  ): void;
}

export type FastKernel<Name extends FastKernelName> = FastKernelSignatures[Name];
