import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { allocateArray, type TypedArray } from '../dtype.js';
import { Storage } from '../engine.js';
import { AutogradError } from '../errors.js';
import type { Operand } from '../ops/broadcast.js';
import { expand } from '../ops/movement.js';
import { fillNormal, fillUniform } from '../ops/random.js';
import { defaultGenerator, type Generator } from '../random.js';
import { contiguousStrides } from '../shape.js';
import { Tensor } from '../tensor.js';

// In-place writes are for parameters, buffers and optimizer state; on a tensor autograd is tracking they would
// silently change what backward computes, so they are refused there, as in PyTorch.
function assertInPlaceAllowed(tensor: Tensor, op: string): void {
  if (tensor.requiresGrad && isGradEnabled()) {
    throw new AutogradError(
      `${op}: a leaf Variable that requires grad is being used in an in-place operation; wrap it in noGrad()`,
    );
  }
}

/** Fills `tensor` with values drawn on the host (so every backend draws PyTorch's sequence for a seed). */
function fillFromHost<T extends Tensor>(tensor: T, fill: (values: TypedArray) => void): T {
  const values = allocateArray(tensor.dtype, tensor.size);
  fill(values);
  const source = new Tensor(
    Storage.allocate(tensor.backend, tensor.size, tensor.dtype),
    tensor.shape,
    contiguousStrides(tensor.shape),
    0,
  );
  tensor.backend.write(source.storage.handle, values, 0);
  return tensor.copy_(source);
}

export const inPlaceMethods = {
  copy_<T extends Tensor>(this: T, source: Tensor | Operand): T {
    assertInPlaceAllowed(this, 'copy_');
    noGrad(() => {
      const value =
        source instanceof Tensor
          ? source.cast(this.dtype).to(this.backend.name)
          : Tensor.scalar(Number(source), this.dtype, this.backend);
      this.backend.copy(expand(value, this.shape).kernelView('copy_', this.backend), this.kernelView('copy_', this.backend));
    });
    return this;
  },
  fill_<T extends Tensor>(this: T, value: number): T {
    assertInPlaceAllowed(this, 'fill_');
    this.backend.fill(this.kernelView('fill_', this.backend), value);
    return this;
  },
  zero_<T extends Tensor>(this: T): T {
    return this.fill_(0);
  },
  uniform_<T extends Tensor>(this: T, low = 0, high = 1, generator: Generator = defaultGenerator): T {
    return fillFromHost(this, (values) => fillUniform(values, low, high, generator));
  },
  normal_<T extends Tensor>(this: T, mean = 0, std = 1, generator: Generator = defaultGenerator): T {
    return fillFromHost(this, (values) => fillNormal(values, mean, std, generator));
  },
} satisfies Partial<Tensor> & ThisType<Tensor>;
