import type { TensorView } from '@lantern/tensor';
import { type Axis, flatIndices, scatterPlan } from './index-cache.js';
import type { TfjsStorage } from './storage.js';
import { type TfTensor, tf } from './tfjs.js';

export type View = TensorView<TfjsStorage>;

/**
 * A Lantern view with its extent-1 axes dropped and its broadcast (stride-0) axes set apart: `axes` are the others,
 * in the view's order, strides signed as in the view (negative for a flip).
 */
interface Layout {
  readonly axes: Axis[];
  readonly broadcast: number[];
}

function analyse(view: View): Layout {
  const axes: Axis[] = [],
    broadcast: number[] = [];
  view.shape.forEach((extent, position) => {
    const stride = view.strides[position]!;
    if (extent === 1) return;
    if (stride === 0) broadcast.push(position);
    else axes.push({ extent, stride });
  });
  return { axes, broadcast };
}

const sizeOfAxes = (axes: readonly Axis[]) => axes.reduce((product, axis) => product * axis.extent, 1);

function isRowMajor(axes: readonly Axis[]): boolean {
  let expected = 1;
  for (let i = axes.length - 1; i >= 0; i--) {
    if (axes[i]!.stride !== expected) return false;
    expected *= axes[i]!.extent;
  }
  return true;
}

/** `length` elements of the flat storage from `start`, without a copy when that is all of it. */
function range(storage: TfjsStorage, start: number, length: number): TfTensor {
  const flat = storage.tensor;
  return start === 0 && length === storage.size ? flat : tf.slice(flat, start, length);
}

/**
 * Reads the non-broadcast axes of a view as a tfjs tensor shaped [extents in view order]. A contiguous range is a
 * slice and a reshape; a permutation of one (a transpose, a permute) adds a tf.transpose. Every other layout (steps,
 * narrowed windows, flips, overlaps) is a gather with flat indices computed once per layout: on tfjs's cpu backend
 * a gather is 5-10× faster than its non-contiguous slice or strided slice, and 1-2× slower than a transpose
 * (bench/views.mjs, BENCHMARKS.md).
 */
function readAxes(storage: TfjsStorage, axes: readonly Axis[], offset: number): TfTensor {
  const extents = axes.map((axis) => axis.extent);
  if (isRowMajor(axes)) return tf.reshape(range(storage, offset, sizeOfAxes(axes)), extents);
  const order = axes.map((_, i) => i).sort((a, b) => axes[b]!.stride - axes[a]!.stride);
  const sorted = order.map((i) => axes[i]!);
  if (isRowMajor(sorted)) {
    const inSortedOrder = tf.reshape(
      range(storage, offset, sizeOfAxes(axes)),
      sorted.map((axis) => axis.extent),
    );
    return tf.transpose(
      inSortedOrder,
      axes.map((_, i) => order.indexOf(i)),
    );
  }
  return tf.reshape(tf.gather(storage.tensor, flatIndices(axes, offset)), extents);
}

/**
 * The view's values as a tfjs tensor whose shape is the view's with 1 on broadcast (stride-0) axes: elementwise tfjs
 * ops broadcast those themselves, so an expanded bias or scalar is never materialised.
 */
export function readCompact(view: View): TfTensor {
  if (view.shape.some((extent) => extent === 0)) return tf.zeros([...view.shape], view.handle.dtype);
  const layout = analyse(view);
  const compactShape = view.shape.map((extent, axis) => (layout.broadcast.includes(axis) ? 1 : extent));
  return tf.reshape(readAxes(view.handle, layout.axes, view.offset), compactShape);
}

/** The view's values as a tfjs tensor of exactly the view's shape (in the storage's dtype). */
export function readView(view: View): TfTensor {
  const compact = readCompact(view);
  return compact.shape.every((extent, axis) => extent === view.shape[axis]) ? compact : tf.broadcastTo(compact, [...view.shape]);
}

/** Replaces the elements `start .. start + values.size` of the flat storage, keeping the rest. */
function writeRange(storage: TfjsStorage, start: number, values: TfTensor): void {
  if (start === 0 && values.size === storage.size) {
    storage.replace(tf.reshape(values, [storage.size]));
    return;
  }
  const parts: TfTensor[] = [];
  if (start > 0) parts.push(tf.slice(storage.tensor, 0, start));
  parts.push(tf.reshape(values, [values.size]));
  const end = start + values.size;
  if (end < storage.size) parts.push(tf.slice(storage.tensor, end, storage.size - end));
  storage.replace(tf.concat(parts));
}

/** Writes `values` (flat, row-major over `axes`) to the storage positions of the layout: a tfjs scatter. */
function scatter(storage: TfjsStorage, axes: readonly Axis[], offset: number, allValues: TfTensor): void {
  const { targets, sources } = scatterPlan(axes, offset);
  const values = sources ? tf.gather(allValues, sources) : allValues;
  const indices = tf.reshape(targets, [values.size, 1]);
  if (tf.getKernel('TensorScatterUpdate', tf.getBackend())) {
    // tfjs scatters bool through int32 on some backends only; int32 works on all of them.
    const isBool = storage.dtype === 'bool';
    const target = isBool ? tf.cast(storage.tensor, 'int32') : storage.tensor;
    const updated = tf.tensorScatterUpdate(target, indices, isBool ? tf.cast(values, 'int32') : values);
    storage.replace(isBool ? tf.cast(updated, 'bool') : updated);
    return;
  }
  // Without TensorScatterUpdate: scatter the values and a mask of the written positions (ScatterNd), then select.
  const shape = [storage.size];
  const written = tf.cast(tf.scatterND(indices, tf.ones([values.size], 'int32'), shape), 'bool');
  const scattered = tf.scatterND(indices, storage.dtype === 'bool' ? tf.cast(values, 'int32') : values, shape);
  storage.replace(tf.where(written, tf.cast(scattered, storage.dtype), storage.tensor));
}

/**
 * Writes `values` (the view's shape; cast to the storage's dtype) through the view into its storage. A view covering its
 * whole storage in row-major order (every fresh kernel output) simply takes over the tensor; a contiguous range is
 * spliced in with concat; any other layout is scattered. Where a broadcast view holds several copies of an element,
 * the last one is written, as a sequential loop (the cpu backend) would leave it.
 */
export function writeView(view: View, values: TfTensor): void {
  if (view.shape.some((extent) => extent === 0)) return;
  const layout = analyse(view);
  // Casting here gives every kernel core's copy semantics: to bool means nonzero, float to int32 truncates.
  let source = values.dtype === view.handle.dtype ? values : tf.cast(values, view.handle.dtype);
  if (layout.broadcast.length > 0) {
    const begin = view.shape.map((extent, axis) => (layout.broadcast.includes(axis) ? extent - 1 : 0));
    const size = view.shape.map((extent, axis) => (layout.broadcast.includes(axis) ? 1 : extent));
    source = tf.slice(source, begin, size);
  }
  if (isRowMajor(layout.axes)) {
    writeRange(view.handle, view.offset, source);
    return;
  }
  // Scattered in the view's own element order, so that overlapping elements resolve as a row-major loop would.
  scatter(view.handle, layout.axes, view.offset, tf.reshape(source, [source.size]));
}
