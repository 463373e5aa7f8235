import type { DType, TypedArray } from './dtype.js';
import { type BinaryOp, binaryOps, boolResultOps, type ReduceOp, type UnaryOp, unaryOps } from './kernel-names.js';

/**
 * A strided window onto a backend's storage. Core owns the layout (shape, strides, offset: all in elements);
 * kernels read inputs through it and write outputs through it. Strides may be 0 (broadcast) or negative (flip).
 */
export interface TensorView<Handle = unknown> {
  readonly handle: Handle;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Whether a kernel argument is a view (the others are op names, attributes, constants). */
export function isTensorView(value: unknown): value is TensorView {
  return typeof value === 'object' && value !== null && 'handle' in value && 'strides' in value;
}

/**
 * The contract a backend implements, version 'v1'. Storage is four calls; compute is these primitive kernels.
 * Views (reshape, permute, expand, slice, flip) are stride changes made in core and never reach a backend; derivatives
 * are defined in core and never reach a backend either. Outputs are allocated by core and passed in as views.
 */
export interface Backend<Handle = unknown> {
  readonly specificationVersion: 'v1';
  readonly name: string;
  /** True when `readSync` works (cpu, wasm); false where a device can only read back asynchronously (WebGPU). */
  readonly supportsSyncRead: boolean;

  /** Zero-filled storage for `size` elements of `dtype`. */
  allocate(size: number, dtype: DType): Handle;
  /** Releases storage early. GC-backed backends may make this a no-op. */
  free(handle: Handle): void;
  /** Copies `data` (same dtype as the storage) into the storage starting at element `offset`. */
  write(handle: Handle, data: TypedArray, offset: number): void;
  /** Reads `size` elements starting at element `offset`. */
  read(handle: Handle, dtype: DType, offset: number, size: number): Promise<TypedArray>;
  readSync?(handle: Handle, dtype: DType, offset: number, size: number): TypedArray;

  unary(op: UnaryOp, input: TensorView<Handle>, output: TensorView<Handle>): void;
  /** `a` and `b` already have `output`'s shape (broadcast dims have stride 0). Comparisons write bool. */
  binary(op: BinaryOp, a: TensorView<Handle>, b: TensorView<Handle>, output: TensorView<Handle>): void;
  where(condition: TensorView<Handle>, a: TensorView<Handle>, b: TensorView<Handle>, output: TensorView<Handle>): void;
  /**
   * Reduces `input` over `axes` into `output`, whose shape is the input's with those axes set to 1. argmax/argmin
   * reduce a single axis, write int32, and pick the first index on ties (as PyTorch).
   */
  reduce(op: ReduceOp, input: TensorView<Handle>, axes: readonly number[], output: TensorView<Handle>): void;
  /** Strided copy from any view to any view of the same shape, converting dtype when they differ. */
  copy(source: TensorView<Handle>, destination: TensorView<Handle>): void;
  fill(destination: TensorView<Handle>, value: number): void;
  /** Batched matrix product: a [B, M, K], b [B, K, N] (any strides, B may be stride 0) into output [B, M, N]. */
  matmul(a: TensorView<Handle>, b: TensorView<Handle>, output: TensorView<Handle>): void;

  /**
   * Optional: a chain of float32 elementwise ops in one pass, which compile() substitutes for the unary and binary
   * calls it fuses (compile/fusion.ts). Every view is float32; `output` is contiguous; each input is either
   * contiguous with the output's shape or a single value broadcast (every stride 0). Each step must round to float32
   * as the separate kernels do, so that a fused program gives the same values.
   */
  elementwiseProgram?(program: ElementwiseProgram, inputs: readonly TensorView<Handle>[], output: TensorView<Handle>): void;
}

/** One op of an ElementwiseProgram: `operands` index the inputs, then the results of earlier steps. */
export interface ElementwiseStep {
  readonly op: FusibleOp;
  /** One operand for a unary op, two for a binary one. Index i < inputs.length is inputs[i]; after that, step results. */
  readonly operands: readonly number[];
}

/** Steps run in order over every element; the last step's result is the output. At most 8 inputs and 16 steps. */
export interface ElementwiseProgram {
  readonly steps: readonly ElementwiseStep[];
}

/** The float32-valued unary and binary ops a program may contain: all but the logical and comparison ops. */
export type FusibleOp =
  | Exclude<UnaryOp, 'logicalNot'>
  | Exclude<BinaryOp, 'less' | 'lessEqual' | 'greater' | 'greaterEqual' | 'equal' | 'notEqual' | 'logicalAnd' | 'logicalOr'>;

export const fusibleOps: readonly FusibleOp[] = [...unaryOps, ...binaryOps].filter(
  (op): op is FusibleOp => op !== 'logicalNot' && !boolResultOps.has(op as BinaryOp),
);
