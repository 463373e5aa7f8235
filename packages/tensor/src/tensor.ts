import type { Backend, TensorView } from './backend.js';
import { runBackward } from './autograd/backward.js';
import { isGradEnabled, noGrad } from './autograd/grad-mode.js';
import type { GradNode } from './autograd/node.js';
import { allocateArray, isFloating, type DType, type TypedArray } from './dtype.js';
import { AutogradError, DisposedError, SyncReadError } from './errors.js';
import { Storage, getBackend } from './engine.js';
import { formatTensor } from './format.js';
import * as activation from './ops/activation.js';
import * as elementwise from './ops/elementwise.js';
import { matmul } from './ops/linalg.js';
import * as movement from './ops/movement.js';
import * as reduce from './ops/reduce.js';
import { fillNormal, fillUniform } from './ops/random.js';
import { defaultGenerator, type Generator } from './random.js';
import { setTensorCheck, trackTensor } from './scope.js';
import { contiguousStrides, isContiguous, sizeOf } from './shape.js';
import { toNested, type Nested } from './to-nested.js';

type Operand = elementwise.Operand;
type Dims = number | readonly number[];

/**
 * An n-dimensional array on a backend, with PyTorch's autograd. Shape, strides and offset (in elements) describe a
 * view onto shared storage; movement ops make new views without copying.
 * @example
 * const x = tensor([2, 3], { requiresGrad: true });
 * x.mul(x).sum().backward(); // x.grad: tensor([4., 6.])
 */
export class Tensor {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  /** Gradient accumulated by backward() on a leaf (or a non-leaf after retainGrad()); null until then. */
  grad: Tensor | null = null;
  private requiresGradFlag = false;
  private node: GradNode | null = null;
  private retainsGradFlag = false;
  private disposed = false;

  constructor(readonly storage: Storage, shape: readonly number[], strides: readonly number[], readonly offset: number) {
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

  get dtype(): DType { return this.storage.dtype; }
  get backend(): Backend { return this.storage.backend; }
  get ndim(): number { return this.shape.length; }
  /** Number of elements (torch's numel()). */
  get size(): number { return sizeOf(this.shape); }
  get gradFn(): GradNode | null { return this.node; }
  get isLeaf(): boolean { return this.node === null; }
  get retainsGrad(): boolean { return this.retainsGradFlag; }
  get isDisposed(): boolean { return this.disposed; }
  get requiresGrad(): boolean { return this.requiresGradFlag; }
  set requiresGrad(value: boolean) {
    if (!this.isLeaf) throw new AutogradError('you can only change requiresGrad flags of leaf variables');
    if (value && !isFloating(this.dtype)) throw new AutogradError(`only floating point tensors can require gradients, got ${this.dtype}`);
    this.requiresGradFlag = value;
  }

  /** @internal Called by autograd's record(). */
  setGradFn(node: GradNode): void {
    this.node = node;
    this.requiresGradFlag = true;
  }

  /** The strided layout handed to kernels. */
  view(): TensorView {
    if (this.disposed || this.storage.freed) throw new DisposedError(`tensor of shape [${this.shape.join(', ')}] was used after dispose()`);
    return { handle: this.storage.handle, dtype: this.dtype, shape: this.shape, strides: this.strides, offset: this.offset };
  }

  /** @internal A tensor over the same storage with another layout (no autograd recording). */
  asView(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    this.view();
    return new Tensor(this.storage, shape, strides, offset);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.storage.release();
  }

  // --- autograd ---
  backward(gradient?: Tensor, options: { retainGraph?: boolean } = {}): void { runBackward(this, gradient, options.retainGraph ?? false); }
  detach(): Tensor { return this.asView(this.shape, this.strides, this.offset); }
  requiresGrad_(value = true): this { this.requiresGrad = value; return this; }
  retainGrad(): void { if (!this.isLeaf) this.retainsGradFlag = true; }

  // --- reading values ---
  /** Values in row-major order, read asynchronously (works on every backend). */
  async data(): Promise<TypedArray> {
    const source = this.contiguousDetached();
    return source.backend.read(source.storage.handle, source.dtype, source.offset, source.size);
  }
  /** Values in row-major order, read now; throws SyncReadError on backends that can only read asynchronously. */
  dataSync(): TypedArray {
    const source = this.contiguousDetached();
    if (!source.backend.readSync) {
      throw new SyncReadError(`backend '${source.backend.name}' cannot read synchronously: use 'await tensor.data()'`);
    }
    return source.backend.readSync(source.storage.handle, source.dtype, source.offset, source.size);
  }
  toArray(): Nested { return toNested(this.dataSync(), this.shape, this.dtype); }
  async array(): Promise<Nested> { return toNested(await this.data(), this.shape, this.dtype); }
  item(): number {
    if (this.size !== 1) throw new AutogradError(`item: a tensor with ${this.size} elements cannot be converted to a scalar`);
    return this.dataSync()[0]!;
  }
  toString(): string { return formatTensor(this); }
  private contiguousDetached(): Tensor {
    return isContiguous(this.shape, this.strides) ? this : noGrad(() => movement.contiguous(this.detach()));
  }

  // --- conversion and creation alike ---
  cast(dtype: DType): Tensor { return elementwise.cast(this, dtype); }
  float(): Tensor { return this.cast('float32'); }
  double(): Tensor { return this.cast('float64'); }
  int(): Tensor { return this.cast('int32'); }
  bool(): Tensor { return this.cast('bool'); }
  clone(): Tensor { return movement.clone(this); }
  zerosLike(): Tensor { return this.fullLike(0); }
  onesLike(): Tensor { return this.fullLike(1); }
  fullLike(value: number): Tensor {
    const output = new Tensor(Storage.allocate(this.backend, this.size, this.dtype), this.shape, contiguousStrides(this.shape), 0);
    if (value !== 0) this.backend.fill(output.view(), value);
    return output;
  }
  /** A copy on another backend, reading this one synchronously (use toAsync from WebGPU). */
  to(backendName: string): Tensor {
    const target = getBackend(backendName);
    return target === this.backend ? this : this.writtenTo(target, this.dataSync());
  }
  /** A copy on another backend; works from every backend, including those that only read asynchronously. */
  async toAsync(backendName: string): Promise<Tensor> {
    const target = getBackend(backendName);
    return target === this.backend ? this : this.writtenTo(target, await this.data());
  }
  private writtenTo(target: Backend, values: TypedArray): Tensor {
    const output = new Tensor(Storage.allocate(target, this.size, this.dtype), this.shape, contiguousStrides(this.shape), 0);
    target.write(output.storage.handle, values, 0);
    return output;
  }

  // --- elementwise ---
  add(other: Operand, alpha = 1): Tensor { return elementwise.binary('add', this, alpha === 1 ? other : elementwise.binary('mul', other, alpha)); }
  sub(other: Operand, alpha = 1): Tensor { return elementwise.binary('sub', this, alpha === 1 ? other : elementwise.binary('mul', other, alpha)); }
  mul(other: Operand): Tensor { return elementwise.binary('mul', this, other); }
  div(other: Operand): Tensor { return elementwise.binary('div', this, other); }
  pow(exponent: Operand): Tensor { return elementwise.binary('pow', this, exponent); }
  maximum(other: Operand): Tensor { return elementwise.binary('maximum', this, other); }
  minimum(other: Operand): Tensor { return elementwise.binary('minimum', this, other); }
  lt(other: Operand): Tensor { return elementwise.binary('less', this, other); }
  le(other: Operand): Tensor { return elementwise.binary('lessEqual', this, other); }
  gt(other: Operand): Tensor { return elementwise.binary('greater', this, other); }
  ge(other: Operand): Tensor { return elementwise.binary('greaterEqual', this, other); }
  eq(other: Operand): Tensor { return elementwise.binary('equal', this, other); }
  ne(other: Operand): Tensor { return elementwise.binary('notEqual', this, other); }
  logicalAnd(other: Operand): Tensor { return elementwise.binary('logicalAnd', this, other); }
  logicalOr(other: Operand): Tensor { return elementwise.binary('logicalOr', this, other); }
  logicalNot(): Tensor { return elementwise.unary('logicalNot', this); }
  /** PyTorch's `x.where(condition, other)`: x where condition holds, other elsewhere. */
  where(condition: Tensor, other: Operand): Tensor { return elementwise.where(condition, this, other); }
  neg(): Tensor { return elementwise.unary('neg', this); }
  exp(): Tensor { return elementwise.unary('exp', this); }
  log(): Tensor { return elementwise.unary('log', this); }
  sqrt(): Tensor { return elementwise.unary('sqrt', this); }
  rsqrt(): Tensor { return this.sqrt().reciprocal(); }
  reciprocal(): Tensor { return elementwise.unary('reciprocal', this); }
  square(): Tensor { return this.mul(this); }
  abs(): Tensor { return elementwise.unary('abs', this); }
  sign(): Tensor { return elementwise.unary('sign', this); }
  sin(): Tensor { return elementwise.unary('sin', this); }
  cos(): Tensor { return elementwise.unary('cos', this); }
  tanh(): Tensor { return elementwise.unary('tanh', this); }
  sigmoid(): Tensor { return elementwise.unary('sigmoid', this); }
  relu(): Tensor { return elementwise.unary('relu', this); }
  erf(): Tensor { return elementwise.unary('erf', this); }
  floor(): Tensor { return elementwise.unary('floor', this); }
  ceil(): Tensor { return elementwise.unary('ceil', this); }
  round(): Tensor { return elementwise.unary('round', this); }
  clamp(min?: number | null, max?: number | null): Tensor { return activation.clamp(this, min, max); }
  leakyRelu(negativeSlope = 0.01): Tensor { return activation.leakyRelu(this, negativeSlope); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return activation.gelu(this, approximate); }
  softmax(dim: number): Tensor { return activation.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return activation.logSoftmax(this, dim); }

  // --- reductions ---
  sum(dims?: Dims, keepdim = false): Tensor { return reduce.sum(this, dims, keepdim); }
  mean(dims?: Dims, keepdim = false): Tensor { return reduce.mean(this, dims, keepdim); }
  var(dims?: Dims, keepdim = false, correction = 1): Tensor { return reduce.variance(this, dims, keepdim, correction); }
  std(dims?: Dims, keepdim = false, correction = 1): Tensor { return reduce.std(this, dims, keepdim, correction); }
  amax(dims?: Dims, keepdim = false): Tensor { return reduce.amax(this, dims, keepdim); }
  amin(dims?: Dims, keepdim = false): Tensor { return reduce.amin(this, dims, keepdim); }
  /** max() reduces everything; max(dim) gives values and indices, like torch.max. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): reduce.ValuesAndIndices;
  max(dim?: number, keepdim = false): Tensor | reduce.ValuesAndIndices {
    return dim === undefined ? reduce.amax(this) : reduce.extremeAlongDim('max', this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): reduce.ValuesAndIndices;
  min(dim?: number, keepdim = false): Tensor | reduce.ValuesAndIndices {
    return dim === undefined ? reduce.amin(this) : reduce.extremeAlongDim('min', this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor { return reduce.argExtreme('argmax', this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return reduce.argExtreme('argmin', this, dim, keepdim); }

  // --- movement (views) ---
  reshape(...shape: number[] | [readonly number[]]): Tensor { return movement.reshape(this, shapeArgs(shape)); }
  viewAs(...shape: number[] | [readonly number[]]): Tensor { return movement.viewAs(this, shapeArgs(shape)); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return movement.permute(this, shapeArgs(dims)); }
  transpose(dim0: number, dim1: number): Tensor { return movement.transpose(this, dim0, dim1); }
  t(): Tensor { return this.ndim < 2 ? this : movement.transpose(this, 0, 1); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return movement.expand(this, shapeArgs(shape)); }
  expandAs(other: Tensor): Tensor { return movement.expand(this, other.shape); }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor { return movement.slice(this, dim, start, end, step); }
  narrow(dim: number, start: number, length: number): Tensor { return movement.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return movement.select(this, dim, index); }
  /** `x[i]`: the i-th entry along dim 0. */
  index(index: number): Tensor { return movement.select(this, 0, index); }
  flip(dims: Dims): Tensor { return movement.flip(this, dims); }
  squeeze(dims?: Dims): Tensor { return movement.squeeze(this, dims); }
  unsqueeze(dim: number): Tensor { return movement.unsqueeze(this, dim); }
  flatten(startDim = 0, endDim = -1): Tensor { return movement.flatten(this, startDim, endDim); }
  contiguous(): Tensor { return movement.contiguous(this); }
  matmul(other: Tensor): Tensor { return matmul(this, other); }

  // --- in place (parameters, buffers, optimizer state; never on a tensor autograd is tracking) ---
  copy_(source: Tensor | Operand): this {
    this.assertInPlaceAllowed('copy_');
    noGrad(() => {
      const value = source instanceof Tensor ? source.cast(this.dtype).to(this.backend.name) : Tensor.scalar(Number(source), this.dtype, this.backend);
      this.backend.copy(movement.expand(value, this.shape).view(), this.view());
    });
    return this;
  }
  fill_(value: number): this { this.assertInPlaceAllowed('fill_'); this.backend.fill(this.view(), value); return this; }
  zero_(): this { return this.fill_(0); }
  uniform_(low = 0, high = 1, generator: Generator = defaultGenerator): this { return this.fillFromHost((v) => fillUniform(v, low, high, generator)); }
  normal_(mean = 0, std = 1, generator: Generator = defaultGenerator): this { return this.fillFromHost((v) => fillNormal(v, mean, std, generator)); }
  private fillFromHost(fill: (values: TypedArray) => void): this {
    const values = allocateArray(this.dtype, this.size);
    fill(values);
    const source = new Tensor(Storage.allocate(this.backend, this.size, this.dtype), this.shape, contiguousStrides(this.shape), 0);
    this.backend.write(source.storage.handle, values, 0);
    return this.copy_(source);
  }
  private assertInPlaceAllowed(op: string): void {
    if (this.requiresGrad && isGradEnabled()) {
      throw new AutogradError(`${op}: a leaf Variable that requires grad is being used in an in-place operation; wrap it in noGrad()`);
    }
  }
}

function shapeArgs(args: number[] | [readonly number[]]): readonly number[] {
  return Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as number[]);
}

setTensorCheck((value): value is Tensor => value instanceof Tensor);
