import { DimError, formatShape, ShapeError } from './errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const extent of shape) size *= extent;
  return size;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis] !== 1 && strides[axis] !== expected) return false;
    expected *= shape[axis]!;
  }
  return true;
}

/** Wraps a possibly negative dim into [0, rank), as PyTorch does, with an error naming the op otherwise. */
export function normalizeDim(op: string, dim: number, rank: number): number {
  const effectiveRank = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -effectiveRank || dim >= effectiveRank) {
    throw new DimError(
      `${op}: dim ${dim} is out of range for a tensor of rank ${rank} (expected in [${-effectiveRank}, ${effectiveRank - 1}])`,
    );
  }
  return dim < 0 ? dim + effectiveRank : dim;
}

export function normalizeDims(op: string, dims: number | readonly number[] | undefined, rank: number): number[] {
  if (dims === undefined) return Array.from({ length: rank }, (_, axis) => axis);
  const list = (typeof dims === 'number' ? [dims] : [...dims]).map((dim) => normalizeDim(op, dim, rank));
  if (new Set(list).size !== list.length) throw new DimError(`${op}: dim ${list.join(', ')} repeats a dim`);
  return list.sort((a, b) => a - b);
}

/** NumPy/PyTorch broadcasting of two shapes, aligned from the right. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const result = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const extentA = a[a.length - rank + i] ?? 1;
    const extentB = b[b.length - rank + i] ?? 1;
    if (extentA !== extentB && extentA !== 1 && extentB !== 1) {
      throw new ShapeError(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`);
    }
    result[i] = extentA === 1 ? extentB : extentA;
  }
  return result;
}

/**
 * The most elements one tensor may hold: 2³¹ − 1, the largest length every backend can index (a float32 tensor of
 * this size is 8 GiB, beyond wasm32's 4 GiB and WebGPU's buffer limits anyway).
 */
export const maxElements = 2 ** 31 - 1;

/** Refuses anything but a list of non-negative integers whose product fits `maxElements`, naming the op. */
export function assertValidShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape)) throw new ShapeError(`${op}: a shape is a list of extents, got ${describe(shape)}`);
  for (const extent of shape) {
    if (!Number.isInteger(extent) || extent < 0) {
      throw new ShapeError(`${op}: invalid shape ${formatShape(shape)}: extents must be non-negative integers`);
    }
  }
  if (sizeOf(shape) > maxElements) {
    throw new ShapeError(
      `${op}: shape ${formatShape(shape)} has ${sizeOf(shape)} elements, more than the ${maxElements} allowed`,
    );
  }
}

/** Element counts as a shape would give them (`linspace`'s steps, `eye`'s rows): a non-negative integer in range. */
export function assertValidCount(op: string, name: string, count: unknown): asserts count is number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > maxElements) {
    throw new ShapeError(`${op}: ${name} must be an integer in [0, ${maxElements}], got ${describe(count)}`);
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : Array.isArray(value) ? formatShape(value) : String(value);
}

/** Resolves one -1 extent in a target shape from the element count, as `view`/`reshape` do. */
export function inferShape(op: string, from: Shape, target: Shape): number[] {
  const size = sizeOf(from);
  const inferred = target.indexOf(-1);
  if (inferred !== target.lastIndexOf(-1))
    throw new ShapeError(`${op}: only one dimension can be inferred in ${formatShape(target)}`);
  const result = [...target];
  if (inferred >= 0) {
    const known = sizeOf(target.filter((_, axis) => axis !== inferred));
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`${op}: shape ${formatShape(target)} is invalid for input of shape ${formatShape(from)}`);
    }
    result[inferred] = size / known;
  }
  assertValidShape(op, result);
  if (sizeOf(result) !== size) {
    throw new ShapeError(`${op}: shape ${formatShape(target)} is invalid for input of shape ${formatShape(from)} (size ${size})`);
  }
  return result;
}
