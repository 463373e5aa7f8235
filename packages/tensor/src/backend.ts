import type { DType, TypedArray } from './dtype.js';
import type { BinaryOp, ReduceOp, UnaryOp } from './kernel-names.js';

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
}
