import type { Tensor } from '@lantern/tensor';
import { TensorBoardError } from './errors.js';

/** Numbers as the writer takes them: a Lantern Tensor, a typed array or a plain array (read as one flat list). */
export type NumericValues = Tensor | ArrayLike<number>;

/**
 * An array of values with a shape, for images: a Lantern Tensor, or `{ data, shape }` with the data in row-major
 * order (a RawImage from @lantern/data fits, with `dataformats: 'HWC'`). Uint8Array / Uint8ClampedArray data are
 * 0-255 bytes, used as they are; any other data are taken as [0, 1] and scaled by 255 (torch's rule: only uint8
 * arrays escape scaling, and Lantern's tensors have no uint8 dtype).
 */
export type ShapedValues = Tensor | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };

/** A scalar: a number or a one-element Lantern Tensor. */
export type ScalarValue = number | Tensor;

/** Whether a value is a Lantern Tensor (by its interface, so any copy of @lantern/tensor is recognised). */
export function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && typeof (value as Tensor).dataSync === 'function';
}

/** The values in row-major order. A tensor is read with dataSync() (WebGPU tensors: move them to 'cpu' first). */
export function flatValues(values: NumericValues): ArrayLike<number> {
  return isTensor(values) ? values.dataSync() : values;
}

/** The values, their shape, and whether they are bytes (0-255) rather than [0, 1] fractions. */
export function shapedValues(input: ShapedValues, method: string): { data: ArrayLike<number>; shape: number[]; bytes: boolean } {
  // A bool tensor reads as a Uint8Array of 0/1, yet is not bytes: torch scales every non-uint8 array by 255.
  const tensor = isTensor(input);
  const data = tensor ? input.dataSync() : input.data;
  const shape = [...input.shape];
  const size = shape.reduce((product, extent) => product * extent, 1);
  if (data.length !== size) {
    throw new TensorBoardError(`${method}: ${data.length} values do not fill shape [${shape.join(', ')}]`);
  }
  return { data, shape, bytes: !tensor && (data instanceof Uint8Array || data instanceof Uint8ClampedArray) };
}

/** A scalar as a number; a tensor must hold exactly one element (torch: "Tensor should contain one element"). */
export function scalarValue(value: ScalarValue, method: string): number {
  if (typeof value === 'number') return value;
  if (isTensor(value)) {
    if (value.size !== 1) {
      throw new TensorBoardError(
        `${method}: Tensor should contain one element (0 dimensions). Was given size: ${value.size} and ${value.ndim} dimensions.`,
      );
    }
    return value.dataSync()[0]!;
  }
  throw new TensorBoardError(`${method}: expected a number or a one-element Tensor, got ${typeof value}`);
}
