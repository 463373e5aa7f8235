import { registerCpuBackend } from '@lantern/backend-cpu';
import {
  allocateArray,
  type DType,
  dtypes,
  fromArray,
  full,
  LanternError,
  type Tensor,
  type TypedArray,
  tensor,
  zeros,
} from '@lantern/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registerWasmBackend } from './index.js';

await registerCpuBackend();
await registerWasmBackend();

// Constructors are where data enters a backend. Random lengths, shapes, dtypes and values (valid and not) must give
// a tensor holding exactly the data given, or a typed LanternError: never another exception, and never a tensor
// filled from whatever the wasm heap held (too little data) or one that overwrote its neighbours (too much). Each
// property runs 100 random inputs on wasm and on the cpu reference.
const backends = ['wasm', 'cpu'];
const runs = { numRuns: 100, seed: 20261205 };

const anyDType = fc.constantFrom<string>(...dtypes, 'float16', 'int64', 'uint8', '', 'Float32');
const extent = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 2.5, Number.NaN, Infinity, 2 ** 31, 2 ** 20) },
);
const anyShape = fc.oneof(
  { weight: 12, arbitrary: fc.array(extent, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(3, '2', null, {}) as fc.Arbitrary<number[]> },
);
const arrayKinds = [Float32Array, Float64Array, Int32Array, Uint8Array, Int16Array, Uint8ClampedArray] as const;
const anyData = fc
  .tuple(fc.constantFrom(...arrayKinds), fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 40 }))
  .map(([Kind, values]) => Kind.from(values) as unknown as TypedArray);
// Half the shapes fit the data's length, so that valid tensors are as common as refusals.
const dataWithShape = anyData.chain((data) =>
  fc.tuple(fc.constant(data), fc.oneof(anyShape, fc.constantFrom([data.length], [1, data.length, 1]))),
);
const element = fc.oneof(
  { weight: 10, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
  { weight: 3, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('1', null, undefined, {}, [1]) },
);
const anyNested = fc.oneof(
  element,
  fc.array(element, { maxLength: 4 }),
  fc.array(fc.array(element, { maxLength: 3 }), { maxLength: 3 }),
);

/** Runs a constructor: its tensor (checked by `check`, then disposed), or the error it threw, which must be typed. */
function outcome(create: () => Tensor, check: (result: Tensor) => void): void {
  let result: Tensor;
  try {
    result = create();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(LanternError);
    return;
  }
  try {
    check(result);
  } finally {
    result.dispose();
  }
}

/**
 * The values a tensor of `dtype` holds for `data`: as assignment to that typed array converts them, except bool,
 * which is PyTorch's truth value (any nonzero number, NaN included, is true) stored as 1.
 */
function converted(data: ArrayLike<number>, dtype: DType): TypedArray {
  const values = allocateArray(dtype, data.length);
  for (let i = 0; i < data.length; i++) values[i] = dtype === 'bool' ? Number(Number(data[i]) !== 0) : Number(data[i]);
  return values;
}

describe('constructors on random input give a tensor of exactly the data, or a typed error', () => {
  for (const backend of backends) {
    it(`fromArray(data, shape, dtype) on ${backend}`, () => {
      fc.assert(
        fc.property(dataWithShape, anyDType, ([data, shape], dtype) => {
          outcome(
            () => fromArray(data, shape, dtype as DType, { backend }),
            (result) => {
              expect(result.shape).toEqual(shape);
              expect(result.dtype).toBe(dtype);
              expect(result.backend.name).toBe(backend);
              expect(result.dataSync()).toEqual(converted(data, dtype as DType));
            },
          );
        }),
        runs,
      );
    });

    it(`tensor(data, { shape, dtype }) on ${backend}, typed or nested`, () => {
      const options = fc.record({
        shape: fc.option(anyShape, { nil: undefined }),
        dtype: fc.option(anyDType, { nil: undefined }),
      });
      fc.assert(
        fc.property(fc.oneof(anyData, anyNested), options, (data, { shape, dtype }) => {
          outcome(
            () => tensor(data as TypedArray, { shape, dtype: dtype as DType | undefined, backend }),
            (result) => {
              const flat = ArrayBuffer.isView(data) ? (data as TypedArray) : [data].flat(3).map(Number);
              if (shape) expect(result.shape).toEqual(shape);
              expect(result.size).toBe(flat.length);
              expect(result.dataSync()).toEqual(converted(flat, result.dtype));
            },
          );
        }),
        runs,
      );
    });

    it(`zeros, full and cast on ${backend}`, () => {
      fc.assert(
        fc.property(anyShape, fc.option(anyDType, { nil: undefined }), anyDType, element, (shape, dtype, target, value) => {
          const options = { dtype: dtype as DType | undefined, backend };
          outcome(
            () => zeros(shape, options),
            (result) => expect(Array.from(result.dataSync()).every((x) => x === 0)).toBe(true),
          );
          outcome(
            () => full(shape, value as number, options),
            (result) => expect(result.dataSync()).toEqual(converted(new Array(result.size).fill(value), result.dtype)),
          );
          outcome(
            () => zeros([2], { backend }).cast(target as DType),
            (result) => expect(result.dtype).toBe(target),
          );
        }),
        runs,
      );
    });
  }
});
