import { allocateArray, type Backend, type DType, type TypedArray } from '@lantern/tensor';
import { binary, copy, fill, where } from './kernels/binary.js';
import { elementwiseProgram } from './kernels/elementwise-program.js';
import { matmul } from './kernels/matmul.js';
import { reduce } from './kernels/reduce.js';
import { unary } from './kernels/unary.js';

/**
 * The reference backend: storage is a plain typed array (so the garbage collector owns it and free() does
 * nothing), every primitive is a plain loop. Other backends are tested against this one.
 */
export function createCpuBackend(name = 'cpu'): Backend<TypedArray> {
  return {
    specificationVersion: 'v1',
    name,
    supportsSyncRead: true,
    allocate: (size: number, dtype: DType) => allocateArray(dtype, size),
    free: () => {},
    write: (handle, data, offset) => handle.set(data as never, offset),
    read: async (handle, _dtype, offset, size) => handle.slice(offset, offset + size),
    readSync: (handle, _dtype, offset, size) => handle.slice(offset, offset + size),
    unary,
    binary,
    where,
    reduce,
    copy,
    fill,
    matmul,
    elementwiseProgram,
  };
}
