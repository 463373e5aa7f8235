import type { Backend, DType, TypedArray } from '@lantern/tensor';
import type { WasmContext } from './context.js';
import { binary, copy, fill, unary, where } from './kernels/elementwise.js';
import { elementwiseProgram } from './kernels/elementwise-program.js';
import { matmul } from './kernels/matmul.js';
import { reduce } from './kernels/reduce.js';
import { bytesPerElement } from './views.js';

const arrayTypes = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

/**
 * The wasm backend: a storage handle is the byte address of a block in the module's linear memory (from the
 * size-class allocator), and every primitive runs over those addresses. float32 work runs in the compiled SIMD
 * kernels; float64, int32 and bool run the cpu reference's loops in place on the same memory.
 */
export function createWasmBackend(context: WasmContext, name = 'wasm'): Backend<number> {
  const readSync = (handle: number, dtype: DType, offset: number, size: number): TypedArray => {
    const bytes = bytesPerElement[dtype];
    return new arrayTypes[dtype](context.runtime.memory.buffer, handle + offset * bytes, size).slice();
  };
  return {
    specificationVersion: 'v1',
    name,
    supportsSyncRead: true,
    allocate: (size, dtype) => context.allocator.allocate(size * bytesPerElement[dtype]),
    free: (handle) => context.allocator.free(handle),
    write: (handle, data, offset) => {
      context.runtime.u8.set(
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        handle + offset * data.BYTES_PER_ELEMENT,
      );
    },
    read: async (handle, dtype, offset, size) => readSync(handle, dtype, offset, size),
    readSync,
    unary: (op, input, output) => unary(context, op, input, output),
    binary: (op, a, b, output) => binary(context, op, a, b, output),
    where: (condition, a, b, output) => where(context, condition, a, b, output),
    reduce: (op, input, axes, output) => reduce(context, op, input, axes, output),
    copy: (source, destination) => copy(context, source, destination),
    fill: (destination, value) => fill(context, destination, value),
    matmul: (a, b, output) => matmul(context, a, b, output),
    elementwiseProgram: (program, inputs, output) => elementwiseProgram(context, program, inputs, output),
  };
}
