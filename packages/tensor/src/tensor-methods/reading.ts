import { noGrad } from '../autograd/grad-mode.js';
import type { TensorView } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import { AutogradError, SyncReadError } from '../errors.js';
import { contiguous } from '../ops/movement.js';
import { isContiguous } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type Nested, toNested } from '../to-nested.js';

/**
 * The layout a backend reads: backends read contiguous ranges, so a strided view is copied first (outside autograd:
 * reading records nothing). Through kernelView, so a disposed tensor is a DisposedError rather than a read of memory
 * another tensor may own by now.
 */
function readableView(tensor: Tensor, op: string): { source: Tensor; view: TensorView } {
  tensor.assertNotDisposed(op);
  const source = isContiguous(tensor.shape, tensor.strides) ? tensor : noGrad(() => contiguous(tensor.detach()));
  return { source, view: source.kernelView(op, source.backend) };
}

export const readingMethods = {
  async data(): Promise<TypedArray> {
    const { source, view } = readableView(this, 'data');
    try {
      return await source.backend.read(view.handle, view.dtype, view.offset, source.size);
    } finally {
      if (source !== this) source.dispose();
    }
  },
  dataSync(): TypedArray {
    if (!this.backend.readSync) {
      throw new SyncReadError(`backend '${this.backend.name}' cannot read synchronously: use 'await tensor.data()'`);
    }
    const { source, view } = readableView(this, 'dataSync');
    const values = source.backend.readSync!(view.handle, view.dtype, view.offset, source.size);
    if (source !== this) source.dispose();
    return values;
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
