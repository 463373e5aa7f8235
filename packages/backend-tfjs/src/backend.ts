import { createCpuBackend } from '@lantern/backend-cpu/kernels';
import type { Backend, DType, TypedArray } from '@lantern/tensor';
import { routed } from './host-fallback.js';
import { binary, binaryKernelNames, where } from './kernels/binary.js';
import { copy, fill } from './kernels/copy.js';
import { matmul } from './kernels/matmul.js';
import { reduce, reduceKernelNames } from './kernels/reduce.js';
import { unary, unaryKernelNames } from './kernels/unary.js';
import { TfjsStorage, tfjsDType } from './storage.js';
import { type TfTensor, tf } from './tfjs.js';

export interface TfjsBackendOptions {
  /** The Lantern backend name (default 'tfjs'). */
  readonly name?: string;
}

/** `length` elements of the storage from `start`, as a tfjs tensor. */
function region(storage: TfjsStorage, start: number, length: number): TfTensor {
  return start === 0 && length === storage.size ? storage.tensor : tf.slice(storage.tensor, start, length);
}

// Reads always copy: tfjs's cpu backend hands out its own backing array, which a caller must never be able to mutate.
function hostCopy(values: ArrayLike<number> | Uint8Array, dtype: DType): TypedArray {
  if (dtype === 'float32') return Float32Array.from(values as ArrayLike<number>);
  if (dtype === 'int32') return Int32Array.from(values as ArrayLike<number>);
  return Uint8Array.from(values as ArrayLike<number>);
}

// Lantern's reference kernels, for a primitive whose tfjs kernel the active tfjs backend lacks (see host-fallback.ts).
const reference = createCpuBackend('tfjs-host-fallback');
type Primitive<Name extends 'unary' | 'binary' | 'where' | 'reduce' | 'matmul'> = Parameters<Backend<TfjsStorage>[Name]>;

/** The primitives that run one tfjs compute kernel, each routed to the host when that kernel is missing. */
const primitives = {
  unary: routed<Primitive<'unary'>>('unary', {
    tfjsKernels: (op) => [unaryKernelNames[op]],
    onTfjs: unary,
    onHost: reference.unary,
    written: [2],
  }),
  binary: routed<Primitive<'binary'>>('binary', {
    tfjsKernels: (op) => [binaryKernelNames[op]],
    onTfjs: binary,
    onHost: reference.binary,
    written: [3],
  }),
  where: routed<Primitive<'where'>>('where', {
    tfjsKernels: () => ['Select'],
    onTfjs: where,
    onHost: reference.where,
    written: [3],
  }),
  reduce: routed<Primitive<'reduce'>>('reduce', {
    tfjsKernels: (op) => [reduceKernelNames[op]],
    onTfjs: reduce,
    onHost: reference.reduce,
    written: [3],
  }),
  matmul: routed<Primitive<'matmul'>>('matmul', {
    tfjsKernels: () => ['BatchMatMul'],
    onTfjs: matmul,
    onHost: reference.matmul,
    written: [2],
  }),
};

/**
 * Lantern's backend contract on tfjs-core. Storage handles are `TfjsStorage` boxes around one flat tfjs tensor that
 * stays on the tfjs side between kernels; views are realised with tfjs ops (see views.ts). Gradients never reach
 * here: core composes them from these kernels. Use `registerTfjsBackend` to set up tfjs and register it.
 */
export function createTfjsBackend(options: TfjsBackendOptions = {}): Backend<TfjsStorage> {
  const name = options.name ?? 'tfjs';
  return {
    specificationVersion: 'v1',
    name,
    // Follows the active tfjs backend: webgpu can only read back asynchronously; the others can (webgl by blocking).
    get supportsSyncRead() {
      return tf.getBackend() !== 'webgpu';
    },
    allocate: (size, dtype) => new TfjsStorage(size, tfjsDType(dtype, `allocate of ${size} elements`, name)),
    free: (storage) => storage.dispose(),
    write: (storage, data, offset) => {
      tf.tidy(() => {
        const values = tf.tensor1d(hostCopy(data, storage.dtype) as Float32Array, storage.dtype);
        if (offset === 0 && data.length === storage.size) return storage.replace(values);
        const parts = [tf.slice(storage.tensor, 0, offset), values];
        const end = offset + data.length;
        if (end < storage.size) parts.push(tf.slice(storage.tensor, end, storage.size - end));
        storage.replace(tf.concat(parts.filter((part) => part.size > 0)));
      });
    },
    read: async (storage, dtype, offset, size) => {
      const values = tf.tidy(() => tf.clone(region(storage, offset, size)));
      try {
        return hostCopy(await values.data(), dtype);
      } finally {
        values.dispose();
      }
    },
    readSync: (storage, dtype, offset, size) => {
      const values = tf.tidy(() => tf.clone(region(storage, offset, size)));
      try {
        return hostCopy(values.dataSync(), dtype);
      } finally {
        values.dispose();
      }
    },
    ...primitives,
    copy,
    fill,
  };
}
