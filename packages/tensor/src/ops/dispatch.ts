import type { Backend } from '../backend.js';
import type { DType } from '../dtype.js';
import { Storage } from '../engine.js';
import { formatShape, LanternError } from '../errors.js';
import { contiguousStrides, type Shape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/** A fresh contiguous, zero-filled tensor on `backend`; the output of every kernel call. */
export function emptyTensor(shape: Shape, dtype: DType, backend: Backend): Tensor {
  const storage = Storage.allocate(backend, sizeOf(shape), dtype);
  return new Tensor(storage, shape, contiguousStrides(shape), 0);
}

/** All tensors of one op must live on one backend; mixing is a user error worth naming. */
export function commonBackend(op: string, tensors: readonly Tensor[]): Backend {
  const backend = tensors[0]!.backend;
  for (const tensor of tensors) {
    if (tensor.backend !== backend) {
      throw new LanternError(
        `${op}: expected all tensors on one backend, found '${backend.name}' and '${tensor.backend.name}' ` +
          `(shapes ${formatShape(tensors[0]!.shape)} and ${formatShape(tensor.shape)}); move one with .to(name)`,
      );
    }
  }
  return backend;
}
