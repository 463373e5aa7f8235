import type { Backend } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { getBackend, Storage } from '../engine.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import { cast } from '../ops/elementwise.js';
import { clone } from '../ops/movement.js';
import { contiguousStrides } from '../shape.js';
import { Tensor } from '../tensor.js';

function writtenTo(source: Tensor, target: Backend, values: TypedArray): Tensor {
  const output = new Tensor(
    Storage.allocate(target, source.size, source.dtype),
    source.shape,
    contiguousStrides(source.shape),
    0,
  );
  target.write(output.storage.handle, values, 0);
  return output;
}

export const conversionMethods = {
  cast(dtype: DType): Tensor {
    return cast(this, dtype);
  },
  float(): Tensor {
    return this.cast('float32');
  },
  double(): Tensor {
    return this.cast('float64');
  },
  int(): Tensor {
    return this.cast('int32');
  },
  bool(): Tensor {
    return this.cast('bool');
  },
  clone(): Tensor {
    return clone(this);
  },
  zerosLike(): Tensor {
    return this.fullLike(0);
  },
  onesLike(): Tensor {
    return this.fullLike(1);
  },
  fullLike(value: number): Tensor {
    this.assertNotDisposed('fullLike');
    const output = new Tensor(
      Storage.allocate(this.backend, this.size, this.dtype),
      this.shape,
      contiguousStrides(this.shape),
      0,
    );
    if (value !== 0) this.backend.fill(output.kernelView('fullLike', this.backend), value);
    return output;
  },
  to(backendName: string): Tensor {
    const target = getBackend(backendName);
    this.assertNotDisposed('to');
    return target === this.backend ? this : writtenTo(this, target, this.dataSync());
  },
  async toAsync(backendName: string): Promise<Tensor> {
    const target = getBackend(backendName);
    this.assertNotDisposed('toAsync');
    return target === this.backend ? this : writtenTo(this, target, await this.data());
  },
  setData<T extends Tensor>(this: T, source: Tensor): T {
    source.assertNotDisposed('setData');
    this.assertNotDisposed('setData');
    if (source.shape.join() !== this.shape.join()) {
      throw new ShapeError(`setData: source shape ${formatShape(source.shape)} differs from ${formatShape(this.shape)}`);
    }
    if (source.dtype !== this.dtype) throw new DTypeError(`setData: source dtype ${source.dtype} differs from ${this.dtype}`);
    const previous = this.storage;
    source.storage.retain();
    // The one place a tensor's storage changes, as PyTorch's `param.data = ...`: views made earlier keep the old one.
    const fields = this as unknown as { storage: Storage; strides: readonly number[]; offset: number };
    fields.storage = source.storage;
    fields.strides = source.strides;
    fields.offset = source.offset;
    previous.release();
    return this;
  },
} satisfies Partial<Tensor> & ThisType<Tensor>;
