import type { DType, TensorView, TypedArray } from '@lantern/tensor';
import type { WasmContext } from './context.js';

export const bytesPerElement: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** A view's first element as a byte address in linear memory. */
export function addressOf(view: TensorView): number {
  return (view.handle as number) + view.offset * bytesPerElement[view.dtype];
}

export function elementCount(view: TensorView): number {
  return view.shape.reduce((product, extent) => product * extent, 1);
}

/**
 * The same view with a typed array over the whole linear memory as its handle and the offset moved by the storage's
 * address: the cpu reference kernels (imported side-effect-free from @lantern/backend-cpu/kernels) then run in place
 * on wasm storage. That is this backend's path for float64, int32 and bool, which need no SIMD.
 */
export function cpuView(context: WasmContext, view: TensorView): TensorView<TypedArray> {
  const runtime = context.runtime;
  const handle =
    view.dtype === 'float32'
      ? runtime.f32
      : view.dtype === 'float64'
        ? runtime.f64
        : view.dtype === 'int32'
          ? runtime.i32
          : runtime.u8;
  const offset = (view.handle as number) / bytesPerElement[view.dtype] + view.offset;
  return { handle, dtype: view.dtype, shape: view.shape, strides: view.strides, offset };
}

export function cpuViewOrNull(context: WasmContext, view: TensorView | null): TensorView<TypedArray> | null {
  return view === null ? null : cpuView(context, view);
}
