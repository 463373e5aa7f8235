import { noGrad } from '../autograd/grad-mode.js';
import type { TypedArray } from '../dtype.js';
import { AutogradError, SyncReadError } from '../errors.js';
import { contiguous } from '../ops/movement.js';
import { isContiguous } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type Nested, toNested } from '../to-nested.js';

/** Backends read contiguous ranges, so a strided view is copied first (outside autograd: reading records nothing). */
function contiguousDetached(tensor: Tensor): Tensor {
  return isContiguous(tensor.shape, tensor.strides) ? tensor : noGrad(() => contiguous(tensor.detach()));
}

export const readingMethods = {
  async data(): Promise<TypedArray> {
    const source = contiguousDetached(this);
    return source.backend.read(source.storage.handle, source.dtype, source.offset, source.size);
  },
  dataSync(): TypedArray {
    const source = contiguousDetached(this);
    if (!source.backend.readSync) {
      throw new SyncReadError(`backend '${source.backend.name}' cannot read synchronously: use 'await tensor.data()'`);
    }
    return source.backend.readSync(source.storage.handle, source.dtype, source.offset, source.size);
  },
  toArray(): Nested {
    return toNested(this.dataSync(), this.shape, this.dtype);
  },
  async array(): Promise<Nested> {
    return toNested(await this.data(), this.shape, this.dtype);
  },
  item(): number {
    if (this.size !== 1) throw new AutogradError(`item: a tensor with ${this.size} elements cannot be converted to a scalar`);
    return this.dataSync()[0]!;
  },
} satisfies Partial<Tensor> & ThisType<Tensor>;
