import { DisposedError, type DType, DTypeError } from '@lantern/tensor';
import { type TfDType, type TfTensor, tf } from './tfjs.js';

/**
 * One Lantern storage: a small mutable box owning one flat (1-D) tfjs tensor. tfjs tensors are immutable, so a kernel
 * that writes into the storage builds a new tfjs tensor and `replace`s the old one, which is disposed then. The tensor
 * is created lazily: core allocates every kernel output zero-filled and the kernel usually overwrites all of it, so
 * materialising the zeros first would allocate (and dispose) a tfjs tensor per kernel call for nothing.
 */
export class TfjsStorage {
  private current: TfTensor | null = null;
  private disposed = false;

  constructor(
    readonly size: number,
    readonly dtype: TfDType,
  ) {}

  /** True while the storage is still all zeros and no tfjs tensor exists for it. */
  get isLazyZero(): boolean {
    return this.current === null;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The flat tfjs tensor holding the storage (created as zeros on first use). */
  get tensor(): TfTensor {
    if (this.disposed)
      throw new DisposedError(`backend 'tfjs': storage of ${this.size} ${this.dtype} elements was used after free()`);
    // keep(): a lazy creation inside a kernel's tf.tidy must outlive that tidy.
    this.current ??= tf.keep(tf.zeros([this.size], this.dtype));
    return this.current;
  }

  /** Takes ownership of `next` (shape [size], this dtype) and disposes the tensor it replaces. */
  replace(next: TfTensor): void {
    if (next === this.current) return;
    if (next.rank !== 1 || next.size !== this.size || next.dtype !== this.dtype) {
      throw new DTypeError(
        `backend 'tfjs': replacing storage [${this.size}] ${this.dtype} with [${next.shape.join(', ')}] ${next.dtype}`,
      );
    }
    const previous = this.current;
    this.current = tf.keep(next);
    previous?.dispose();
  }

  dispose(): void {
    this.disposed = true;
    this.current?.dispose();
    this.current = null;
  }
}

/** Lantern dtype → tfjs dtype. tfjs has no float64 on any of its backends, so that one is refused, naming the call. */
export function tfjsDType(dtype: DType, what: string, backendName = 'tfjs'): TfDType {
  if (dtype === 'float64') {
    throw new DTypeError(
      `backend '${backendName}' ${what}: float64 does not exist in TensorFlow.js (its dtypes are float32, int32 and bool); use float32`,
    );
  }
  return dtype;
}
