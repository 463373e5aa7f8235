import type { DType, TypedArray } from '@lantern/tensor';
import { SafetensorsError } from './errors.js';

// The safetensors dtypes: their sizes, what Lantern loads each as, and the decoding of raw little-endian bytes.

export const isLittleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export const fail = (reason: SafetensorsError['reason'], message: string): never => {
  throw new SafetensorsError(reason, message);
};

/** Bytes per element of every dtype the format defines; the sub-byte float formats have no whole-byte size. */
export const dtypeSizes: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
  C64: 8,
};
export const subByteDtypes = new Set(['F4', 'F6_E2M3', 'F6_E3M2']);
export const loadedAs: Record<string, DType> = {
  BOOL: 'bool',
  U8: 'int32',
  I8: 'int32',
  I16: 'int32',
  U16: 'int32',
  I32: 'int32',
  U32: 'int32',
  I64: 'int32',
  U64: 'int32',
  F16: 'float32',
  BF16: 'float32',
  F32: 'float32',
  F64: 'float64',
};
export const savedAs: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

/** Copies little-endian bytes into an aligned typed array (swapping on a big-endian host). */
function readArray<T extends TypedArray | Uint16Array | Int8Array | Int16Array | Uint32Array | BigInt64Array | BigUint64Array>(
  bytes: Uint8Array,
  make: (buffer: ArrayBuffer) => T,
  itemSize: number,
): T {
  const copy = bytes.slice();
  if (!isLittleEndianHost) for (let i = 0; i < copy.length; i += itemSize) copy.subarray(i, i + itemSize).reverse();
  return make(copy.buffer);
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1,
    exponent = (bits >> 10) & 0x1f,
    fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function toInt32(name: string, values: ArrayLike<number | bigint>): Int32Array {
  const result = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = Number(values[i]!);
    if (value < -2147483648 || value > 2147483647)
      fail('value-out-of-range', `tensor '${name}' holds ${values[i]}, outside Lantern's int32 range`);
    result[i] = value;
  }
  return result;
}

export function decodeValues(name: string, dtype: string, raw: Uint8Array): TypedArray {
  switch (dtype) {
    case 'F32':
      return readArray(raw, (buffer) => new Float32Array(buffer), 4);
    case 'F64':
      return readArray(raw, (buffer) => new Float64Array(buffer), 8);
    case 'I32':
      return readArray(raw, (buffer) => new Int32Array(buffer), 4);
    case 'BOOL':
      return Uint8Array.from(raw, (byte) => (byte ? 1 : 0));
    case 'U8':
      return Int32Array.from(raw);
    case 'I8':
      return Int32Array.from(new Int8Array(raw.slice().buffer));
    case 'I16':
      return Int32Array.from(readArray(raw, (buffer) => new Int16Array(buffer), 2));
    case 'U16':
      return Int32Array.from(readArray(raw, (buffer) => new Uint16Array(buffer), 2));
    case 'U32':
      return toInt32(
        name,
        readArray(raw, (buffer) => new Uint32Array(buffer), 4),
      );
    case 'I64':
      return toInt32(
        name,
        readArray(raw, (buffer) => new BigInt64Array(buffer), 8),
      );
    case 'U64':
      return toInt32(
        name,
        readArray(raw, (buffer) => new BigUint64Array(buffer), 8),
      );
    case 'F16':
      return Float32Array.from(
        readArray(raw, (buffer) => new Uint16Array(buffer), 2),
        halfToFloat,
      );
    case 'BF16':
      return Float32Array.from(
        readArray(raw, (buffer) => new Uint16Array(buffer), 2),
        (bits) => {
          const word = new Uint32Array([bits << 16]);
          return new Float32Array(word.buffer)[0]!;
        },
      );
    default:
      return fail('unsupported-dtype', `tensor '${name}' has dtype ${dtype}, which Lantern cannot load`);
  }
}
