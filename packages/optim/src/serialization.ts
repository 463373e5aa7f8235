import { type DType, dtypes, fromArray, Tensor, type TypedArray } from '@lantern/tensor';
import { OptimizerError } from './errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** How a tensor is written: its dtype, shape and raw little-endian bytes in base64 (compact, and exact). */
export interface EncodedTensor {
  $tensor: { dtype: DType; shape: number[]; base64: string };
}

const arrayTypes = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

/**
 * Turns a state dict (any tree of plain objects, arrays, strings, booleans, numbers, null and Tensors, such as
 * `optimizer.stateDict()`) into plain JSON: each tensor becomes `{"$tensor": {dtype, shape, base64}}` and each
 * non-finite number `{"$number": "Infinity"}`. Tensors are read asynchronously, so this works on every backend.
 * @example
 * const text = JSON.stringify(await stateDictToJson(optimizer.stateDict()));
 * writeFileSync('optimizer.json', text);
 */
export async function stateDictToJson(value: unknown): Promise<JsonValue> {
  if (value instanceof Tensor) {
    const data = await value.data();
    return {
      $tensor: {
        dtype: value.dtype,
        shape: [...value.shape],
        base64: bytesToBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
      },
    };
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => stateDictToJson(item)));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([key, item]) => [key, await stateDictToJson(item)] as const),
    );
    return Object.fromEntries(entries);
  }
  throw new OptimizerError(`stateDictToJson: cannot serialise a value of type ${describe(value)}`);
}

/**
 * The inverse of `stateDictToJson`: rebuilds tensors (on `options.backend`, the active backend by default) and
 * non-finite numbers. The result goes straight into `loadStateDict`.
 * @example
 * optimizer.loadStateDict(stateDictFromJson(JSON.parse(readFileSync('optimizer.json', 'utf8'))));
 */
// biome-ignore lint/suspicious/noExplicitAny: lets the result go straight into loadStateDict; callers may name T.
export function stateDictFromJson<T = any>(json: JsonValue, options: { backend?: string } = {}): T {
  return decode(json, options.backend) as T;
}

function decode(json: JsonValue, backend: string | undefined): unknown {
  if (Array.isArray(json)) return json.map((item) => decode(item, backend));
  if (json === null || typeof json !== 'object') return json;
  if ('$tensor' in json) {
    const { dtype, shape, base64 } = (json as unknown as EncodedTensor).$tensor;
    if (!dtypes.includes(dtype)) throw new OptimizerError(`stateDictFromJson: unknown tensor dtype '${dtype}'`);
    const bytes = base64ToBytes(base64);
    const values: TypedArray = new arrayTypes[dtype](
      bytes.buffer as ArrayBuffer,
      0,
      bytes.byteLength / arrayTypes[dtype].BYTES_PER_ELEMENT,
    );
    return fromArray(values, shape, dtype, backend === undefined ? {} : { backend });
  }
  if ('$number' in json && Object.keys(json).length === 1) return Number(json.$number);
  return Object.fromEntries(Object.entries(json).map(([key, item]) => [key, decode(item, backend)]));
}

function describe(value: unknown): string {
  return typeof value === 'object' ? (Object.getPrototypeOf(value)?.constructor?.name ?? 'object') : typeof value;
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// A portable codec (no Buffer, no btoa): the package runs in browsers and Node alike.
function bytesToBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!,
      b = bytes[i + 1] ?? 0,
      c = bytes[i + 2] ?? 0;
    const triple = (a << 16) | (b << 8) | c;
    text += alphabet[(triple >> 18) & 63]! + alphabet[(triple >> 12) & 63]!;
    text += i + 1 < bytes.length ? alphabet[(triple >> 6) & 63]! : '=';
    text += i + 2 < bytes.length ? alphabet[triple & 63]! : '=';
  }
  return text;
}

function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let buffer = 0,
    bits = 0,
    written = 0;
  for (const character of clean) {
    const value = alphabet.indexOf(character);
    if (value < 0) throw new OptimizerError(`stateDictFromJson: invalid base64 character '${character}'`);
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[written++] = (buffer >> bits) & 255;
      buffer &= (1 << bits) - 1;
    }
  }
  return bytes;
}
