import { type DType, DTypeError, type TensorView } from '@lantern/tensor';
import type { PooledBuffer } from './buffer-pool.js';

/**
 * A tensor's storage on the GPU. Every dtype is stored in 4 bytes per element: float32 as f32, int32 as i32, and bool
 * as u32 (0 or 1), because WGSL has no 8-bit storage type; write() widens Uint8Array input and read() narrows it back.
 */
export interface WebGPUHandle {
  readonly buffer: PooledBuffer;
  /** Elements (the logical size; the buffer may be larger, as its size class). */
  readonly size: number;
  readonly dtype: DType;
  /** A reused pool buffer that still holds a previous tensor's data; zeroed lazily, unless fully overwritten first. */
  needsZero: boolean;
  freed: boolean;
}

export type GpuView = TensorView<WebGPUHandle>;

/** WGSL storage element type per dtype. */
export function storageType(dtype: DType, backendName: string): 'f32' | 'i32' | 'u32' {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'bool':
      return 'u32';
    default:
      throw new DTypeError(`backend '${backendName}' does not support ${dtype}: WGSL has no 64-bit floats; use float32`);
  }
}

export interface CoalescedLayout {
  readonly extents: number[];
  /** One list of strides per view, aligned with `extents`. */
  readonly strides: number[][];
  readonly offsets: number[];
}

/**
 * Drops size-1 dims and merges neighbouring dims wherever every view is contiguous across them, so a contiguous
 * tensor becomes one dim and the shader's index arithmetic is a single division.
 */
export function coalesce(
  shape: readonly number[],
  views: ReadonlyArray<{ strides: readonly number[]; offset: number }>,
): CoalescedLayout {
  const extents: number[] = [];
  const strides: number[][] = views.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    const extent = shape[axis]!;
    if (extent === 1) continue;
    const last = extents.length - 1;
    if (last >= 0 && views.every((view, v) => strides[v]![last] === view.strides[axis]! * extent)) {
      extents[last]! *= extent;
      views.forEach((view, v) => {
        strides[v]![last] = view.strides[axis]!;
      });
    } else {
      extents.push(extent);
      for (const [v, view] of views.entries()) strides[v]!.push(view.strides[axis]!);
    }
  }
  return { extents, strides, offsets: views.map((view) => view.offset) };
}

/**
 * The parameter words of a strided elementwise dispatch: [count, rank, extra0, extra1, extents..., then per view its
 * offset and strides]. The WGSL side is `stridedOffsets` in wgsl/common.ts.
 */
export function stridedParameters(
  shape: readonly number[],
  views: readonly GpuView[],
  extra: readonly number[] = [],
): Int32Array {
  const layout = coalesce(shape, views);
  const rank = layout.extents.length;
  const count = shape.reduce((product, extent) => product * extent, 1);
  const words = [count, rank, extra[0] ?? 0, extra[1] ?? 0, ...layout.extents];
  for (const v of views.keys()) words.push(layout.offsets[v]!, ...layout.strides[v]!);
  return Int32Array.from(words);
}

export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((product, extent) => product * extent, 1);
}

/** True when the view covers its whole storage in order, so a kernel writing it overwrites every element. */
export function coversStorage(view: GpuView): boolean {
  if (view.offset !== 0 || sizeOfShape(view.shape) !== view.handle.size) return false;
  let expected = 1;
  for (let axis = view.shape.length - 1; axis >= 0; axis--) {
    if (view.shape[axis] !== 1 && view.strides[axis] !== expected) return false;
    expected *= view.shape[axis]!;
  }
  return true;
}

/** The bits of a float as an i32 parameter word (parameters are one i32 array; shaders bitcast them back). */
export function floatBits(value: number): number {
  return new Int32Array(Float32Array.of(value).buffer)[0]!;
}
