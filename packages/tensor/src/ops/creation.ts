import { allocateArray, assertDType, type DType, dtypeOfArray, type TypedArray } from '../dtype.js';
import { getBackend } from '../engine.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import { assertValidCount, assertValidShape, type Shape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { emptyTensor } from './dispatch.js';

export interface CreationOptions {
  dtype?: DType;
  /** Backend name; the active backend when omitted. */
  backend?: string;
  requiresGrad?: boolean;
}

export type NestedArray = number | boolean | readonly NestedArray[];

function nestedShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] as NestedArray;
    if (level === undefined) break;
  }
  return shape;
}

function flattenNested(data: NestedArray, shape: readonly number[], into: number[], depth = 0): void {
  if (depth === shape.length) {
    if (Array.isArray(data)) throw new ShapeError('tensor: nested arrays are ragged (a sequence where a number was expected)');
    if (typeof data !== 'number' && typeof data !== 'boolean') throw elementError('tensor', data);
    into.push(Number(data));
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new ShapeError(`tensor: nested arrays are ragged: expected a sequence of length ${shape[depth]} at depth ${depth}`);
  }
  for (const item of data) flattenNested(item as NestedArray, shape, into, depth + 1);
}

function inferDType(data: NestedArray | TypedArray, flat: ArrayLike<number>): DType {
  if (ArrayBuffer.isView(data)) return dtypeOfArray(data as TypedArray);
  let level: unknown = data;
  while (Array.isArray(level)) level = level[0];
  if (typeof level === 'boolean') return 'bool';
  for (let i = 0; i < flat.length; i++) if (!Number.isInteger(flat[i])) return 'float32';
  return flat.length === 0 ? 'float32' : 'int32';
}

/** What torch.tensor says of a string or an object among the data: a typed error naming what it got. */
function elementError(op: string, value: unknown): DTypeError {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  return new DTypeError(`${op}: expected numbers or booleans, got ${kind}${typeof value === 'string' ? ` '${value}'` : ''}`);
}

/**
 * Writes host values into a fresh tensor: the one place host data enters a backend, so it checks what it is given
 * (a typed array, a valid shape and dtype, exactly one value per element) before any backend copies a byte.
 * @example
 * fromArray(Float32Array.of(1, 2, 3, 4), [2, 2], 'float32'); // tensor([[1., 2.], [3., 4.]])
 */
export function fromArray(values: TypedArray, shape: Shape, dtype: DType, options: CreationOptions = {}): Tensor {
  assertValidShape('fromArray', shape);
  assertDType('fromArray', dtype);
  const valuesDType = dtypeOfArray(values, 'fromArray');
  if (values.length !== sizeOf(shape)) {
    throw new ShapeError(
      `fromArray: ${values.length} values cannot fill shape ${formatShape(shape)} (${sizeOf(shape)} elements)`,
    );
  }
  const backend = getBackend(options.backend);
  const output = emptyTensor(shape, dtype, backend);
  const asIs = valuesDType === dtype && (dtype !== 'bool' || isBoolData(values));
  const typed = asIs ? values : copyInto(allocateArray(dtype, values.length), values, dtype);
  backend.write(output.storage.handle, typed, 0);
  if (options.requiresGrad) output.requiresGrad = true;
  return output;
}

/**
 * Converts values as the target's typed array does, except into bool (a Uint8Array), which takes PyTorch's truth
 * value: any nonzero (NaN too) is 1, where plain assignment would keep 2 and wrap 256 or 0.5 to 0.
 */
function copyInto(target: TypedArray, source: ArrayLike<number>, dtype: DType): TypedArray {
  if (dtype === 'bool') for (let i = 0; i < source.length; i++) target[i] = source[i] !== 0 ? 1 : 0;
  else for (let i = 0; i < source.length; i++) target[i] = source[i]!;
  return target;
}

/** Bool data already in a Uint8Array is used as is only when every byte is 0 or 1. */
function isBoolData(values: TypedArray): boolean {
  for (let i = 0; i < values.length; i++) if (values[i]! > 1) return false;
  return true;
}

/**
 * Creates a tensor from nested arrays or a typed array (give `shape` for a flat typed array of rank > 1). Integers
 * give int32, other numbers float32, booleans bool, as torch.tensor does (but `requiresGrad: true` makes integers
 * float32, since JS cannot tell `2.0` from `2`); a typed array keeps its own dtype.
 * @example
 * const x = tensor([[1, 2], [3, 4]], { dtype: 'float32', requiresGrad: true });
 * const y = tensor(new Float32Array(6), { shape: [2, 3] });
 */
export function tensor(data: NestedArray | TypedArray, options: CreationOptions & { shape?: Shape } = {}): Tensor {
  if (options.dtype !== undefined) assertDType('tensor', options.dtype);
  const isTyped = ArrayBuffer.isView(data);
  if (isTyped) dtypeOfArray(data as TypedArray);
  else if (typeof data !== 'number' && typeof data !== 'boolean' && !Array.isArray(data)) throw elementError('tensor', data);
  if (options.shape !== undefined) assertValidShape('tensor', options.shape);
  const shape = options.shape ? [...options.shape] : isTyped ? [(data as TypedArray).length] : nestedShape(data as NestedArray);
  assertValidShape('tensor', shape);
  let flat: ArrayLike<number>;
  if (isTyped) flat = data as TypedArray;
  else {
    const values: number[] = [];
    flattenNested(data as NestedArray, nestedShape(data as NestedArray), values);
    flat = values;
  }
  if (flat.length !== sizeOf(shape)) {
    throw new ShapeError(`tensor: ${flat.length} values cannot fill shape ${formatShape(shape)} (${sizeOf(shape)} elements)`);
  }
  // JS cannot tell 2.0 from 2, so a tensor that is asked to require grad is taken as floating (torch would refuse ints).
  const dtype = options.dtype ?? (options.requiresGrad && !isTyped ? 'float32' : inferDType(data, flat));
  const typed =
    isTyped && dtypeOfArray(data as TypedArray) === dtype
      ? (data as TypedArray)
      : copyInto(allocateArray(dtype, flat.length), flat, dtype);
  return fromArray(typed, shape, dtype, options);
}

export function full(shape: Shape, value: number, options: CreationOptions = {}): Tensor {
  assertValidShape('full', shape);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw elementError('full', value);
  // torch.full infers the dtype from the fill value; zeros/ones pass float32.
  const dtype = options.dtype ?? (Number.isInteger(value) ? 'int32' : 'float32');
  assertDType('full', dtype);
  const output = emptyTensor(shape, dtype, getBackend(options.backend));
  if (value !== 0) output.backend.fill(output.kernelView('full', output.backend), value);
  if (options.requiresGrad) output.requiresGrad = true;
  return output;
}

export const zeros = (shape: Shape, options: CreationOptions = {}) => full(shape, 0, { dtype: 'float32', ...options });
export const ones = (shape: Shape, options: CreationOptions = {}) => full(shape, 1, { dtype: 'float32', ...options });

/** Values from `start` to `end` (exclusive) by `step`; `arange(n)` counts 0..n-1. Integers give int32, as in torch. */
export function arange(
  startOrEnd: number,
  endOrOptions?: number | CreationOptions,
  stepOrOptions?: number | CreationOptions,
  maybeOptions: CreationOptions = {},
): Tensor {
  const hasEnd = typeof endOrOptions === 'number';
  const start = hasEnd ? startOrEnd : 0;
  const end = hasEnd ? (endOrOptions as number) : startOrEnd;
  const step = typeof stepOrOptions === 'number' ? stepOrOptions : 1;
  const options =
    (typeof stepOrOptions === 'object' ? stepOrOptions : typeof endOrOptions === 'object' ? endOrOptions : maybeOptions) ?? {};
  if (![start, end, step].every(Number.isFinite)) {
    throw new ShapeError(`arange: start, end and step must be finite numbers, got ${start}, ${end} and ${step}`);
  }
  if (step === 0) throw new ShapeError('arange: step must be nonzero');
  const count = Math.max(Math.ceil((end - start) / step), 0);
  assertValidCount('arange', 'the number of values', count);
  const dtype = options.dtype ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32');
  assertDType('arange', dtype);
  const values = allocateArray(dtype, count);
  for (let i = 0; i < count; i++) values[i] = start + i * step;
  return fromArray(values, [count], dtype, options);
}

export function linspace(start: number, end: number, steps: number, options: CreationOptions = {}): Tensor {
  assertValidCount('linspace', 'steps', steps);
  const dtype = options.dtype ?? 'float32';
  assertDType('linspace', dtype);
  const values = allocateArray(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // torch fills the second half backwards from `end` so both ends are exact.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) values[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  return fromArray(values, [steps], dtype, options);
}

export function eye(rows: number, columns = rows, options: CreationOptions = {}): Tensor {
  assertValidShape('eye', [rows, columns]);
  const dtype = options.dtype ?? 'float32';
  assertDType('eye', dtype);
  const values = allocateArray(dtype, rows * columns);
  for (let i = 0; i < Math.min(rows, columns); i++) values[i * columns + i] = 1;
  return fromArray(values, [rows, columns], dtype, options);
}
