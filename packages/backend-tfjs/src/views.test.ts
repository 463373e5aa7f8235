import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexCacheSize } from './index-cache.js';
import { registerTfjsBackend } from './register.js';
import { TfjsStorage } from './storage.js';
import { type TfDType, tf } from './tfjs.js';
import { readCompact, readView, type View, writeView } from './views.js';

interface Layout {
  shape: number[];
  strides: number[];
  offset: number;
  storageSize: number;
}

/** Any strided layout: strides may be 0 (broadcast), negative (flip) or overlap; the offset keeps it in bounds. */
const arbitraryLayout: fc.Arbitrary<Layout> = fc
  .array(fc.record({ extent: fc.integer({ min: 0, max: 4 }), stride: fc.integer({ min: -9, max: 9 }) }), { maxLength: 4 })
  .chain((axes) => {
    const low = axes.reduce((total, { extent, stride }) => total + (extent > 0 && stride < 0 ? (extent - 1) * stride : 0), 0);
    const high = axes.reduce((total, { extent, stride }) => total + (extent > 0 && stride > 0 ? (extent - 1) * stride : 0), 0);
    return fc.record({ before: fc.nat(5), after: fc.nat(5) }).map(({ before, after }) => ({
      shape: axes.map((axis) => axis.extent),
      strides: axes.map((axis) => axis.stride),
      offset: before - low,
      storageSize: before - low + high + 1 + after,
    }));
  });

/** The layouts core's movement ops make: a contiguous base sliced with steps, permuted, some axes flipped. */
const arbitraryMovedLayout: fc.Arbitrary<Layout> = fc
  .array(
    fc.record({
      extent: fc.integer({ min: 1, max: 5 }),
      start: fc.nat(3),
      step: fc.integer({ min: 1, max: 3 }),
      flip: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .chain((axes) =>
    fc
      .shuffledSubarray(
        axes.map((_, i) => i),
        { minLength: axes.length, maxLength: axes.length },
      )
      .map((order) => {
        const base = axes.map((axis) => axis.start + axis.extent * axis.step);
        const baseStrides = base.map((_, i) => base.slice(i + 1).reduce((a, b) => a * b, 1));
        let offset = 0;
        const shape: number[] = [],
          strides: number[] = [];
        axes.forEach((axis, i) => {
          const extent = Math.ceil((base[i]! - axis.start) / axis.step);
          offset += axis.start * baseStrides[i]!;
          let stride = axis.step * baseStrides[i]!;
          if (axis.flip) {
            offset += (extent - 1) * stride;
            stride = -stride;
          }
          shape.push(extent);
          strides.push(stride);
        });
        return {
          shape: order.map((i) => shape[i]!),
          strides: order.map((i) => strides[i]!),
          offset,
          storageSize: base.reduce((a, b) => a * b, 1),
        };
      }),
  );

const dtypes: TfDType[] = ['float32', 'int32', 'bool'];

/** Every position of the layout in row-major order, as the cpu backend's loops visit them. */
function positions({ shape, strides, offset }: Layout): number[] {
  const result: number[] = [];
  const size = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < size; i++) {
    let rest = i,
      position = offset;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      position += (rest % shape[axis]!) * strides[axis]!;
      rest = Math.floor(rest / shape[axis]!);
    }
    result.push(position);
  }
  return result;
}

function storageWith(values: number[], dtype: TfDType): TfjsStorage {
  const storage = new TfjsStorage(values.length, dtype);
  storage.replace(tf.tensor1d(values, dtype));
  return storage;
}

const sample = (size: number, dtype: TfDType) =>
  Array.from({ length: size }, (_, i) => (dtype === 'bool' ? (i % 3 === 0 ? 1 : 0) : i * 7 - 3));
const viewOf = (storage: TfjsStorage, layout: Layout, dtype: TfDType): View => ({
  handle: storage,
  dtype,
  shape: layout.shape,
  strides: layout.strides,
  offset: layout.offset,
});

beforeAll(async () => {
  await registerTfjsBackend({ tfjsBackend: 'cpu' });
});

describe('strided views on tfjs tensors', () => {
  for (const [name, layouts] of [
    ['any layout', arbitraryLayout],
    ['moved layouts', arbitraryMovedLayout],
  ] as const) {
    it(`reads ${name} as the cpu backend's loops would`, () => {
      fc.assert(
        fc.property(layouts, fc.constantFrom(...dtypes), (layout, dtype) => {
          const values = sample(layout.storageSize, dtype);
          const storage = storageWith(values, dtype);
          const before = tf.memory().numTensors,
            cachedBefore = indexCacheSize();
          const read = tf.tidy(() => readView(viewOf(storage, layout, dtype)));
          expect(read.shape).toEqual(layout.shape);
          expect(read.dtype).toBe(dtype);
          expect(Array.from(read.dataSync())).toEqual(positions(layout).map((p) => values[p]));
          read.dispose();
          // Once the result is disposed, every intermediate is gone; index tensors a new layout needs stay cached.
          expect(tf.memory().numTensors - before).toBe(indexCacheSize() - cachedBefore);
          storage.dispose();
        }),
        { numRuns: 300 },
      );
    });

    it(`writes ${name}, keeping every other element, the last copy winning under broadcast`, () => {
      fc.assert(
        fc.property(layouts, fc.constantFrom(...dtypes), (layout, dtype) => {
          const values = sample(layout.storageSize, dtype);
          const storage = storageWith(values, dtype);
          const expected = [...values];
          const written = positions(layout).map((_, i) => (dtype === 'bool' ? (i + 1) % 2 : 100 + i));
          for (const [i, position] of positions(layout).entries()) expected[position] = written[i]!;
          tf.tidy(() => writeView(viewOf(storage, layout, dtype), tf.tensor(written, layout.shape, dtype)));
          expect(Array.from(storage.tensor.dataSync())).toEqual(expected);
          storage.dispose();
        }),
        { numRuns: 300 },
      );
    });
  }

  it('leaves broadcast axes at 1 in readCompact, for tfjs to broadcast', () => {
    const storage = storageWith([1, 2, 3], 'float32');
    const compact = readCompact({ handle: storage, dtype: 'float32', shape: [4, 3], strides: [0, 1], offset: 0 });
    expect(compact.shape).toEqual([1, 3]);
    compact.dispose();
    storage.dispose();
  });

  it('scatters through ScatterNd where a tfjs backend has no TensorScatterUpdate', () => {
    const kernel = tf.getKernel('TensorScatterUpdate', 'cpu')!;
    tf.unregisterKernel('TensorScatterUpdate', 'cpu');
    try {
      const storage = storageWith([0, 1, 2, 3, 4, 5], 'int32');
      tf.tidy(() =>
        writeView({ handle: storage, dtype: 'int32', shape: [2], strides: [3], offset: 1 }, tf.tensor1d([10, 40], 'int32')),
      );
      expect(Array.from(storage.tensor.dataSync())).toEqual([0, 10, 2, 3, 40, 5]);
      storage.dispose();
    } finally {
      tf.registerKernel(kernel);
    }
  });
});
