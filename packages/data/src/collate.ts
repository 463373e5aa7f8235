import { fromArray, stack, Tensor, type TypedArray, tensor } from '@lantern/tensor';
import { CollateError } from './errors.js';
import { isRawImage } from './image.js';

/** Turns a list of samples into one batch. */
export type CollateFunction<Sample, Batch> = (samples: Sample[]) => Batch;

/**
 * What `defaultCollate` makes of a sample type: tensors and numbers become tensors with a leading batch dim, tuples
 * and objects keep their structure with each field collated, strings become string lists.
 */
export type Collated<Sample> = Sample extends Tensor
  ? Tensor
  : Sample extends number | boolean | TypedArray
    ? Tensor
    : Sample extends string
      ? string[]
      : Sample extends readonly unknown[]
        ? { [K in keyof Sample]: Collated<Sample[K]> }
        : Sample extends object
          ? { [K in keyof Sample]: Collated<Sample[K]> }
          : never;

const describe = (value: unknown): string =>
  value === null ? 'null' : typeof value === 'object' ? ((value as object).constructor?.name ?? 'object') : typeof value;

/**
 * PyTorch's `default_collate`: stacks tensors along a new dim 0, turns numbers into a tensor (int32 when every number
 * is an integer — PyTorch's int64, which Lantern does not have — else float64, as PyTorch does for Python floats),
 * booleans into a bool tensor, Float32Array/Float64Array/Int32Array into a [batch, length] tensor (numpy arrays in
 * PyTorch), and recurses into tuples (arrays) and plain objects. Strings stay a list. Raw images are refused:
 * like PIL images in PyTorch they need `ToTensor()` first.
 * @example
 * defaultCollate([[x0, 3], [x1, 7]]) // [stack([x0, x1]), tensor([3, 7], int32)]
 */
export function defaultCollate<Sample>(samples: Sample[]): Collated<Sample> {
  return collate(samples as unknown[], 'batch') as Collated<Sample>;
}

function collate(samples: unknown[], path: string): unknown {
  if (samples.length === 0) throw new CollateError('default collate: cannot collate an empty batch');
  const first = samples[0];
  for (let i = 1; i < samples.length; i++) {
    if (describe(samples[i]) !== describe(first)) {
      throw new CollateError(
        `default collate: ${path} mixes ${describe(first)} (sample 0) and ${describe(samples[i])} (sample ${i})`,
      );
    }
  }
  if (first instanceof Tensor) return collateTensors(samples as Tensor[], path);
  if (typeof first === 'number') {
    const values = samples as number[];
    const integral = values.every((value) => Number.isInteger(value) && Math.abs(value) <= 0x7fffffff);
    return tensor(integral ? Int32Array.from(values) : Float64Array.from(values));
  }
  if (typeof first === 'boolean') return fromArray(Uint8Array.from(samples as boolean[], Number), [samples.length], 'bool');
  if (typeof first === 'string') return samples;
  if (first instanceof Float32Array || first instanceof Float64Array || first instanceof Int32Array) {
    return collateTypedArrays(samples as Array<Float32Array | Float64Array | Int32Array>, path);
  }
  if (isRawImage(first)) {
    throw new CollateError(
      `default collate: ${path} holds RawImage samples; add ToTensor() to the dataset's transform to batch them`,
    );
  }
  if (Array.isArray(first)) {
    const size = first.length;
    samples.forEach((sample, i) => {
      if ((sample as unknown[]).length !== size) {
        throw new CollateError(
          `default collate: each element in list of batch should be of equal size; ${path} sample 0 has ${size}, sample ${i} has ${(sample as unknown[]).length}`,
        );
      }
    });
    return first.map((_, field) =>
      collate(
        samples.map((sample) => (sample as unknown[])[field]),
        `${path}[${field}]`,
      ),
    );
  }
  if (first !== null && typeof first === 'object' && Object.getPrototypeOf(first) === Object.prototype) {
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      result[key] = collate(
        samples.map((sample) => (sample as Record<string, unknown>)[key]),
        `${path}.${key}`,
      );
    }
    return result;
  }
  throw new CollateError(
    `default collate: ${path} holds ${describe(first)}; batches must contain tensors, numbers, booleans, strings, ` +
      'Float32Array/Float64Array/Int32Array, arrays or plain objects',
  );
}

function collateTensors(samples: Tensor[], path: string): Tensor {
  const shape = samples[0]!.shape.join(', ');
  samples.forEach((sample, i) => {
    if (sample.shape.join(', ') !== shape) {
      throw new CollateError(
        `default collate: ${path} has tensors of shape [${shape}] (sample 0) and [${sample.shape.join(', ')}] (sample ${i}); stack needs equal shapes`,
      );
    }
  });
  return stack(samples, 0);
}

function collateTypedArrays(samples: Array<Float32Array | Float64Array | Int32Array>, path: string): Tensor {
  const length = samples[0]!.length;
  const Constructor = samples[0]!.constructor as Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;
  const values = new Constructor(samples.length * length);
  samples.forEach((sample, i) => {
    if (sample.length !== length) {
      throw new CollateError(
        `default collate: ${path} has arrays of length ${length} (sample 0) and ${sample.length} (sample ${i})`,
      );
    }
    values.set(sample, i * length);
  });
  return tensor(values, { shape: [samples.length, length] });
}
