import { DTypeError } from './errors.js';

/** Element types. `bool` is stored one byte per element (0 or 1). */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const dtypes: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export function arrayConstructorFor(dtype: DType) {
  switch (dtype) {
    case 'float32':
      return Float32Array;
    case 'float64':
      return Float64Array;
    case 'int32':
      return Int32Array;
    case 'bool':
      return Uint8Array;
  }
}

export function allocateArray(dtype: DType, size: number): TypedArray {
  return new (arrayConstructorFor(dtype))(size);
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** The dtype a typed array holds; anything else (an Int16Array, a plain array) is a DTypeError naming `op`. */
export function dtypeOfArray(array: TypedArray, op = 'tensor'): DType {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Uint8Array) return 'bool';
  const kind = (array as object | null)?.constructor?.name ?? String(array);
  throw new DTypeError(
    `${op}: unsupported data ${kind}: expected a Float32Array, Float64Array, Int32Array or Uint8Array ` +
      `(dtypes ${dtypes.join(', ')})`,
  );
}

/** Refuses a dtype Lantern does not have (float16, int64, a typo), naming it and the supported ones. */
export function assertDType(op: string, dtype: unknown): asserts dtype is DType {
  if (!(dtypes as readonly unknown[]).includes(dtype)) {
    const name = typeof dtype === 'string' ? `'${dtype}'` : String(dtype);
    throw new DTypeError(`${op}: unsupported dtype ${name}; the supported dtypes are ${dtypes.join(', ')}`);
  }
}

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/**
 * PyTorch's type promotion for two tensor operands. A plain JS number takes part like a PyTorch Python scalar: it
 * only lifts the category (an int tensor plus 0.5 gives float32), never the width within a category.
 */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

export function promoteWithScalar(tensorDType: DType, scalar: number | boolean): DType {
  if (typeof scalar === 'boolean') return tensorDType;
  if (!Number.isInteger(scalar) && !isFloating(tensorDType)) return 'float32';
  if (tensorDType === 'bool') return Number.isInteger(scalar) ? 'int32' : 'float32';
  return tensorDType;
}
