import { type TfTensor, tf } from './tfjs.js';

/** One axis of a strided layout, after core's view has been normalised (no extent-1, stride-0 or negative axes). */
export interface Axis {
  readonly extent: number;
  readonly stride: number;
}

// Flat element indices of strided layouts that slice/reshape/transpose cannot express, kept as int32 tfjs tensors so
// that a layout seen once per training step costs one upload, not one per step. Bounded by total elements; the
// least recently used entries are disposed first.
const cache = new Map<string, TfTensor>();
let cachedElements = 0;
const maximumCachedElements = 1 << 22;

function cached(key: string, build: () => Int32Array): TfTensor {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  // keep(): entries are created inside kernels' tf.tidy scopes and must outlive them.
  const tensor = tf.keep(tf.tensor1d(build(), 'int32'));
  cache.set(key, tensor);
  cachedElements += tensor.size;
  for (const [oldKey, old] of cache) {
    if (cachedElements <= maximumCachedElements || old === tensor) break;
    cache.delete(oldKey);
    cachedElements -= old.size;
    old.dispose();
  }
  return tensor;
}

function positions(axes: readonly Axis[], offset: number): Int32Array {
  const size = axes.reduce((product, axis) => product * axis.extent, 1);
  const indices = new Int32Array(size);
  const counter = new Array<number>(axes.length).fill(0);
  let position = offset;
  for (let i = 0; i < size; i++) {
    indices[i] = position;
    for (let axis = axes.length - 1; axis >= 0; axis--) {
      position += axes[axis]!.stride;
      if (++counter[axis]! < axes[axis]!.extent) break;
      position -= axes[axis]!.stride * axes[axis]!.extent;
      counter[axis] = 0;
    }
  }
  return indices;
}

const keyOf = (axes: readonly Axis[], offset: number) =>
  `${axes.map((axis) => `${axis.extent}:${axis.stride}`).join(',')}@${offset}`;

/** The flat storage index of every element of the layout, in row-major order of `axes`, as an int32 tensor [n]. */
export function flatIndices(axes: readonly Axis[], offset: number): TfTensor {
  return cached(keyOf(axes, offset), () => positions(axes, offset));
}

/**
 * How to write a layout with a scatter. Where strides overlap, several elements share a storage position and a
 * scatter's choice among them is unspecified; the cpu backend's row-major loop leaves the last one, so `sources`
 * then picks, for each distinct target, the last element written there.
 */
export function scatterPlan(axes: readonly Axis[], offset: number): { targets: TfTensor; sources: TfTensor | null } {
  const key = keyOf(axes, offset);
  const all = positions(axes, offset);
  const last = new Map<number, number>();
  for (const [element, position] of all.entries()) last.set(position, element);
  if (last.size === all.length) return { targets: flatIndices(axes, offset), sources: null };
  return {
    targets: cached(`${key}:targets`, () => Int32Array.from(last.keys())),
    sources: cached(`${key}:sources`, () => Int32Array.from(last.values())),
  };
}

/** Disposes every cached index tensor (they are rebuilt on demand). */
export function clearIndexCache(): void {
  for (const tensor of cache.values()) tensor.dispose();
  cache.clear();
  cachedElements = 0;
}

/** Number of cached index tensors: they count in tf.memory().numTensors. */
export function indexCacheSize(): number {
  return cache.size;
}
