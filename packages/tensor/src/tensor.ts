import { runBackward } from './autograd/backward.js';
import type { GradNode } from './autograd/node.js';
import type { Backend, TensorView } from './backend.js';
import { compileHooks } from './compile/hooks.js';
import { allocateArray, type DType, isFloating, type TypedArray } from './dtype.js';
import { Storage } from './engine.js';
import { AutogradError, BackendMismatchError, DisposedError, formatShape } from './errors.js';
import { formatTensor } from './format.js';
import type { Operand } from './ops/broadcast.js';
import type { ValuesAndIndices } from './ops/reduce.js';
import type { Generator } from './random.js';
import { trackTensor } from './scope.js';
import { sizeOf } from './shape.js';
import type { Nested } from './to-nested.js';

/** One dim or several, as reductions and `squeeze` take them (`x.sum(1)`, `x.sum([0, 2])`). */
export type Dims = number | readonly number[];

// The methods below are declared here, defined in tensor-methods/ (one file per family) and installed on
// Tensor.prototype by installTensorMethods(), which the package entry calls. Ops create tensors with this class and
// call these methods, so the class itself imports no op: the modules form a tree (class ← ops ← methods), not a cycle.
export interface Tensor {
  // --- reading values ---
  /** Values in row-major order, read asynchronously (works on every backend). */
  data(): Promise<TypedArray>;
  /** Values in row-major order, read now; throws SyncReadError on backends that can only read asynchronously. */
  dataSync(): TypedArray;
  toArray(): Nested;
  array(): Promise<Nested>;
  item(): number;

  // --- conversion and creation alike ---
  cast(dtype: DType): Tensor;
  float(): Tensor;
  double(): Tensor;
  int(): Tensor;
  bool(): Tensor;
  clone(): Tensor;
  zerosLike(): Tensor;
  onesLike(): Tensor;
  fullLike(value: number): Tensor;
  /** A copy on another backend, reading this one synchronously (use toAsync from WebGPU). */
  to(backendName: string): Tensor;
  /** A copy on another backend; works from every backend, including those that only read asynchronously. */
  toAsync(backendName: string): Promise<Tensor>;
  /**
   * PyTorch's `tensor.data = source`: this tensor (same shape and dtype) now views `source`'s storage, wherever it
   * lives. How `Module.to(backend)` moves a parameter while optimizers keep holding the same object.
   */
  setData(source: Tensor): this;

  // --- elementwise ---
  add(other: Operand, alpha?: number): Tensor;
  sub(other: Operand, alpha?: number): Tensor;
  mul(other: Operand): Tensor;
  div(other: Operand): Tensor;
  pow(exponent: Operand): Tensor;
  maximum(other: Operand): Tensor;
  minimum(other: Operand): Tensor;
  lt(other: Operand): Tensor;
  le(other: Operand): Tensor;
  gt(other: Operand): Tensor;
  ge(other: Operand): Tensor;
  eq(other: Operand): Tensor;
  ne(other: Operand): Tensor;
  logicalAnd(other: Operand): Tensor;
  logicalOr(other: Operand): Tensor;
  logicalNot(): Tensor;
  /** PyTorch's `x.where(condition, other)`: x where condition holds, other elsewhere. */
  where(condition: Tensor, other: Operand): Tensor;
  neg(): Tensor;
  exp(): Tensor;
  log(): Tensor;
  sqrt(): Tensor;
  rsqrt(): Tensor;
  reciprocal(): Tensor;
  square(): Tensor;
  abs(): Tensor;
  sign(): Tensor;
  sin(): Tensor;
  cos(): Tensor;
  tanh(): Tensor;
  sigmoid(): Tensor;
  relu(): Tensor;
  erf(): Tensor;
  floor(): Tensor;
  ceil(): Tensor;
  round(): Tensor;
  clamp(min?: number | null, max?: number | null): Tensor;
  leakyRelu(negativeSlope?: number): Tensor;
  gelu(approximate?: 'none' | 'tanh'): Tensor;
  softmax(dim: number): Tensor;
  logSoftmax(dim: number): Tensor;

  // --- reductions ---
  sum(dims?: Dims, keepdim?: boolean): Tensor;
  mean(dims?: Dims, keepdim?: boolean): Tensor;
  var(dims?: Dims, keepdim?: boolean, correction?: number): Tensor;
  std(dims?: Dims, keepdim?: boolean, correction?: number): Tensor;
  amax(dims?: Dims, keepdim?: boolean): Tensor;
  amin(dims?: Dims, keepdim?: boolean): Tensor;
  /** max() reduces everything; max(dim) gives values and indices, like torch.max. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): ValuesAndIndices;
  min(): Tensor;
  min(dim: number, keepdim?: boolean): ValuesAndIndices;
  argmax(dim?: number, keepdim?: boolean): Tensor;
  argmin(dim?: number, keepdim?: boolean): Tensor;

  // --- movement (views) ---
  reshape(...shape: number[] | [readonly number[]]): Tensor;
  /**
   * PyTorch's `view`: the same storage with another shape, never a copy. One extent may be -1 (inferred); a layout
   * that cannot be viewed without copying throws a ShapeError (use reshape, which copies then).
   * @example
   * arange(6).view(2, 3); // tensor([[0, 1, 2], [3, 4, 5]]), sharing arange's storage
   */
  view(...shape: [number, ...number[]]): Tensor;
  view(shape: readonly number[]): Tensor;
  /** PyTorch's `view_as(other)`: `view(other.shape)`. */
  viewAs(other: Tensor): Tensor;
  permute(...dims: number[] | [readonly number[]]): Tensor;
  transpose(dim0: number, dim1: number): Tensor;
  t(): Tensor;
  expand(...shape: number[] | [readonly number[]]): Tensor;
  expandAs(other: Tensor): Tensor;
  slice(dim: number, start?: number, end?: number, step?: number): Tensor;
  narrow(dim: number, start: number, length: number): Tensor;
  select(dim: number, index: number): Tensor;
  /** `x[i]`: the i-th entry along dim 0. */
  index(index: number): Tensor;
  flip(dims: Dims): Tensor;
  squeeze(dims?: Dims): Tensor;
  unsqueeze(dim: number): Tensor;
  flatten(startDim?: number, endDim?: number): Tensor;
  contiguous(): Tensor;
  matmul(other: Tensor): Tensor;

  // --- in place (parameters, buffers, optimizer state; never on a tensor autograd is tracking) ---
  copy_(source: Tensor | Operand): this;
  fill_(value: number): this;
  zero_(): this;
  uniform_(low?: number, high?: number, generator?: Generator): this;
  normal_(mean?: number, std?: number, generator?: Generator): this;
}

/**
 * An n-dimensional array on a backend, with PyTorch's autograd. Shape, strides and offset (in elements) describe a
 * view onto shared storage; movement ops make new views without copying.
 * @example
 * const x = tensor([2, 3], { requiresGrad: true });
 * x.mul(x).sum().backward(); // x.grad: tensor([4., 6.])
 */
// Merging is the point: install.test.ts checks that every method the interface declares is installed.
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the methods are defined, and type-checked, in tensor-methods/.
export class Tensor {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  private gradValue: Tensor | null = null;
  private requiresGradFlag = false;
  private node: GradNode | null = null;
  private retainsGradFlag = false;
  private disposed = false;

  constructor(
    readonly storage: Storage,
    shape: readonly number[],
    strides: readonly number[],
    readonly offset: number,
  ) {
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze([...strides]);
    storage.retain();
    trackTensor(this);
  }

  static scalar(value: number, dtype: DType, backend: Backend): Tensor {
    const storage = Storage.allocate(backend, 1, dtype);
    const values = allocateArray(dtype, 1);
    values[0] = value;
    backend.write(storage.handle, values, 0);
    return new Tensor(storage, [], [], 0);
  }

  get dtype(): DType {
    return this.storage.dtype;
  }
  get backend(): Backend {
    return this.storage.backend;
  }
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements (torch's numel()). */
  get size(): number {
    return sizeOf(this.shape);
  }
  /** Gradient accumulated by backward() on a leaf (or a non-leaf after retainGrad()); null until then. */
  get grad(): Tensor | null {
    return this.gradValue;
  }
  set grad(value: Tensor | null) {
    // An accessor rather than a field so that compile() sees a step clear or give a gradient (compile/hooks.ts).
    compileHooks.gradSet?.(this);
    this.gradValue = value;
  }
  get gradFn(): GradNode | null {
    return this.node;
  }
  get isLeaf(): boolean {
    return this.node === null;
  }
  get retainsGrad(): boolean {
    return this.retainsGradFlag;
  }
  get isDisposed(): boolean {
    return this.disposed;
  }
  get requiresGrad(): boolean {
    return this.requiresGradFlag;
  }
  set requiresGrad(value: boolean) {
    if (!this.isLeaf) throw new AutogradError('you can only change requiresGrad flags of leaf variables');
    if (value && !isFloating(this.dtype)) {
      throw new AutogradError(`only floating point tensors can require gradients, got ${this.dtype}`);
    }
    this.requiresGradFlag = value;
  }

  /** @internal Called by autograd's record(). */
  setGradFn(node: GradNode): void {
    this.node = node;
    this.requiresGradFlag = true;
  }

  /**
   * @internal For ops and backends, not for models: the strided layout (storage handle, dtype, shape, strides,
   * offset) that a kernel of `op` running on `backend` reads or writes. Core's dispatch: every tensor reaches a
   * kernel through here, so none gets freed memory (DisposedError) or another backend's handle
   * (BackendMismatchError), whichever op forgot to check. PyTorch's `view` is `view(...shape)`.
   */
  kernelView(op: string, backend: Backend): TensorView {
    if (this.disposed || this.storage.freed) this.assertNotDisposed(op);
    if (this.storage.backend !== backend) {
      throw new BackendMismatchError(op, backend.name, this.storage.backend.name, ` (shape ${formatShape(this.shape)})`);
    }
    return { handle: this.storage.handle, dtype: this.dtype, shape: this.shape, strides: this.strides, offset: this.offset };
  }

  /** @internal Throws DisposedError naming `op` once this tensor, or every holder of its storage, was disposed. */
  assertNotDisposed(op: string): void {
    if (this.disposed || this.storage.freed) {
      throw new DisposedError(`${op}: a tensor of shape ${formatShape(this.shape)} was used after dispose()`);
    }
  }

  /** @internal A tensor over the same storage with another layout (no autograd recording). */
  asView(shape: readonly number[], strides: readonly number[], offset: number, op = 'view'): Tensor {
    this.assertNotDisposed(op);
    return new Tensor(this.storage, shape, strides, offset);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.storage.release();
  }

  // --- autograd ---
  backward(gradient?: Tensor, options: { retainGraph?: boolean } = {}): void {
    runBackward(this, gradient, options.retainGraph ?? false);
  }
  detach(): Tensor {
    return this.asView(this.shape, this.strides, this.offset, 'detach');
  }
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }
  retainGrad(): void {
    if (!this.isLeaf) this.retainsGradFlag = true;
  }

  toString(): string {
    return formatTensor(this);
  }
}
