import type { Backend } from '../backend.js';
import type { DType } from '../dtype.js';
import { Storage } from '../engine.js';
import { BackendMismatchError, formatShape } from '../errors.js';
import { contiguousStrides, type Shape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/** A fresh contiguous, zero-filled tensor on `backend`; the output of every kernel call. */
export function emptyTensor(shape: Shape, dtype: DType, backend: Backend): Tensor {
  const storage = Storage.allocate(backend, sizeOf(shape), dtype);
  return new Tensor(storage, shape, contiguousStrides(shape), 0);
}

/**
 * The backend an op with several tensor operands runs on: the first operand's, which every other must share. Ops
 * call it on entry so that the error names the op the user called (`conv2d`, not the `matmul` inside its
 * composition); `kernelView` checks the same for every tensor any kernel gets, so an op that forgets still cannot
 * hand a kernel another backend's memory.
 */
export function commonBackend(op: string, tensors: readonly Tensor[]): Backend {
  const backend = tensors[0]!.backend;
  for (const tensor of tensors) {
    if (tensor.backend !== backend) {
      throw new BackendMismatchError(
        op,
        backend.name,
        tensor.backend.name,
        ` (shapes ${formatShape(tensors[0]!.shape)} and ${formatShape(tensor.shape)})`,
      );
    }
  }
  return backend;
}
