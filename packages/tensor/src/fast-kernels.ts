import type { TensorView } from './backend.js';

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

/** torch.nn.functional.avg_pool2d's options; ceil mode is already in the output's shape. */
export interface AvgPool2dAttributes {
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  /** Count the zero padding in each window's divisor (PyTorch's default, true). */
  readonly countIncludePad: boolean;
  /** Divide every window by this instead of its size; null for none. */
  readonly divisorOverride: number | null;
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
 * The optional fast kernels, declared once: each one's name (the key), signature and attributes. Core hands them
 * contiguous views and allocates their outputs; a kernel sets every element of each output it writes (what the output
 * held before is unspecified: compile() hands in reused storage without zeroing it), except state updated in place.
 * Every one has a composition of primitives in core (named in `fastKernelDeclarations`) that gives the same result
 * where a backend has no kernel. Adding a key here makes the compiler ask for it in `fastKernelDeclarations` and in
 * every backend's `FastKernelTable`.
 */
export interface FastKernelSignatures {
  /** input [N, C, H, W], weight [O, C/groups, KH, KW], bias [O] or null → output [N, O, OH, OW]. */
  conv2d(input: TensorView, weight: TensorView, bias: TensorView | null, output: TensorView, attributes: Conv2dAttributes): void;
  /** gradOutput [N, O, OH, OW], weight → gradInput [N, C, H, W] (set whole, zeros where no window reaches). */
  conv2dBackwardInput(gradOutput: TensorView, weight: TensorView, gradInput: TensorView, attributes: Conv2dAttributes): void;
  conv2dBackwardWeight(gradOutput: TensorView, input: TensorView, gradWeight: TensorView, attributes: Conv2dAttributes): void;
  /** Writes the max of each window and its flat index into the input's H*W plane (PyTorch's indices). */
  maxPool2d(input: TensorView, output: TensorView, indices: TensorView, attributes: Pool2dAttributes): void;
  /** Routes gradOutput to the saved indices of gradInput, summing where windows overlap; zeros everywhere else. */
  maxPool2dBackward(gradOutput: TensorView, indices: TensorView, gradInput: TensorView): void;
  /** input [N, C, H, W] → output [N, C, OH, OW]: each window's sum over PyTorch's divisor. */
  avgPool2d(input: TensorView, output: TensorView, attributes: AvgPool2dAttributes): void;
  /** Spreads each gradOutput value over its window, divided as the forward pass divided; zeros outside every window. */
  avgPool2dBackward(gradOutput: TensorView, gradInput: TensorView, attributes: AvgPool2dAttributes): void;
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

export type FastKernelName = keyof FastKernelSignatures;
export type FastKernel<Name extends FastKernelName> = FastKernelSignatures[Name];

/** What core knows of a fast kernel at run time. */
export interface FastKernelDeclaration {
  /** Positions of the arguments the kernel writes (outputs, and state updated in place). */
  readonly writes: readonly number[];
  /** Positions of int32 index arguments (pooling indices, class targets); every other view has the data's dtype. */
  readonly int32Arguments: readonly number[];
  /**
   * Positions of written arguments whose every element the kernel sets without reading it first (every output, but
   * not state updated in place): compile() drops the zero fill of their fresh storage.
   */
  readonly overwrites: readonly number[];
  /** The core function whose composition of primitives runs where a backend has no such kernel. */
  readonly composition: string;
}

/** Run-time facts of every fast kernel; the compiler keeps its keys equal to `FastKernelSignatures`'. */
export const fastKernelDeclarations = {
  conv2d: { writes: [3], overwrites: [3], int32Arguments: [], composition: 'conv2d (ops/conv.ts)' },
  conv2dBackwardInput: { writes: [2], overwrites: [2], int32Arguments: [], composition: "conv2d's derivative (ops/conv.ts)" },
  conv2dBackwardWeight: { writes: [2], overwrites: [2], int32Arguments: [], composition: "conv2d's derivative (ops/conv.ts)" },
  maxPool2d: { writes: [1, 2], overwrites: [1, 2], int32Arguments: [2], composition: 'maxPool2d (ops/pool.ts)' },
  maxPool2dBackward: { writes: [2], overwrites: [2], int32Arguments: [1], composition: "maxPool2d's derivative (ops/pool.ts)" },
  avgPool2d: { writes: [1], overwrites: [1], int32Arguments: [], composition: 'avgPool2d (ops/pool.ts)' },
  avgPool2dBackward: { writes: [1], overwrites: [1], int32Arguments: [], composition: "avgPool2d's derivative (ops/pool.ts)" },
  softmaxCrossEntropy: {
    writes: [2, 3],
    overwrites: [2, 3],
    int32Arguments: [1],
    composition: 'softmaxCrossEntropy (ops/loss.ts)',
  },
  sgdUpdate: { writes: [0, 2], overwrites: [], int32Arguments: [], composition: 'sgdUpdate_ (ops/optimizer.ts)' },
  adamUpdate: { writes: [0, 2, 3, 4], overwrites: [], int32Arguments: [], composition: 'adamUpdate_ (ops/optimizer.ts)' },
} as const satisfies { readonly [Name in FastKernelName]: FastKernelDeclaration };

/** Every fast kernel's name, in declaration order. */
export const fastKernelNames = Object.keys(fastKernelDeclarations) as FastKernelName[];

/**
 * A backend's fast kernels: one entry per declared kernel, so that a new kernel is a compile error in every backend
 * until it says what it does. `null` runs core's composition on that backend.
 */
export type FastKernelTable = { readonly [Name in FastKernelName]: FastKernelSignatures[Name] | null };

/** The table of a backend that runs every composition (no fast kernels). */
export const compositionsOnly: FastKernelTable = Object.fromEntries(
  fastKernelNames.map((name) => [name, null]),
) as unknown as FastKernelTable;
