import { fromArray, type Tensor } from '@lantern/tensor';
import { decodeValues, dtypeSizes, fail, isLittleEndianHost, loadedAs, savedAs, subByteDtypes } from './safetensors-dtypes.js';
import type { StateDict } from './state-dict.js';

/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}`, then the raw little-endian
 * data, offsets counting from the end of the header. Bytes in, bytes out, so it runs in browsers as well as Node.
 */

/** The reference implementation's limit; a larger header is rejected before it is read. */
export const maxHeaderBytes = 100_000_000;

export interface SafetensorsEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly dataOffsets: readonly [number, number];
}

export interface SafetensorsHeader {
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Where the data section starts in the file (8 + header length). */
  readonly dataStart: number;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isExtent = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** Parses and validates the header: size bounds, JSON shape, known dtypes, offsets that tile the data exactly. */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  if (bytes.length < 8) fail('truncated', `file of ${bytes.length} bytes is shorter than the 8-byte header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(maxHeaderBytes))
    fail('header-too-large', `header length ${headerLength} exceeds the limit of ${maxHeaderBytes} bytes`);
  const dataStart = 8 + Number(headerLength);
  if (dataStart > bytes.length)
    fail('truncated', `header length ${headerLength} runs past the end of the ${bytes.length}-byte file`);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    fail('invalid-header', 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail('invalid-header', 'header must be a JSON object starting with "{"');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail('invalid-header', `header is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(json)) return fail('invalid-header', 'header must be a JSON object');
  const metadata = json.__metadata__ ?? {};
  if (!isPlainObject(metadata) || !Object.values(metadata).every((value) => typeof value === 'string')) {
    fail('invalid-header', '__metadata__ must be an object of strings');
  }
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, info] of Object.entries(json)) {
    if (name === '__metadata__') continue;
    entries.set(name, parseEntry(name, info));
  }
  checkOffsets(entries, bytes.length - dataStart);
  return { entries, metadata: metadata as Record<string, string>, dataStart };
}

function parseEntry(name: string, info: unknown): SafetensorsEntry {
  if (!isPlainObject(info)) return fail('invalid-header', `entry '${name}' must be an object`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') return fail('invalid-header', `entry '${name}' has no dtype string`);
  if (subByteDtypes.has(dtype) || (dtype in dtypeSizes && !(dtype in loadedAs))) {
    fail('unsupported-dtype', `tensor '${name}' has dtype ${dtype}, which Lantern cannot load`);
  }
  if (!(dtype in dtypeSizes)) fail('unknown-dtype', `tensor '${name}' has unknown dtype '${dtype}'`);
  if (!Array.isArray(shape) || !shape.every(isExtent))
    return fail('invalid-header', `tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isExtent) || offsets[0] > offsets[1]) {
    return fail('invalid-offsets', `tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const count = shape.reduce((product: number, extent: number) => product * extent, 1);
  if (!Number.isSafeInteger(count * dtypeSizes[dtype]!))
    fail('invalid-header', `tensor '${name}' of shape [${shape.join(', ')}] is too large`);
  const [begin, end] = offsets as [number, number];
  if (end - begin !== count * dtypeSizes[dtype]!) {
    const needed = count * dtypeSizes[dtype]!;
    fail(
      'invalid-offsets',
      `tensor '${name}' (${dtype} [${shape.join(', ')}]) needs ${needed} bytes but data_offsets span ${end - begin}`,
    );
  }
  return { dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

/** The tensors' byte ranges must cover the data section exactly: no gap, no overlap, nothing past the end. */
function checkOffsets(entries: ReadonlyMap<string, SafetensorsEntry>, dataLength: number): void {
  const ranges = [...entries].sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let position = 0;
  for (const [
    name,
    {
      dataOffsets: [begin, end],
    },
  ] of ranges) {
    if (begin !== position)
      fail('invalid-offsets', `tensor '${name}' starts at byte ${begin} of the data, expected ${position} (gap or overlap)`);
    if (end > dataLength)
      fail('invalid-offsets', `tensor '${name}' ends at byte ${end}, past the ${dataLength}-byte data section`);
    position = end;
  }
  if (position !== dataLength)
    fail('invalid-offsets', `the tensors cover ${position} bytes but the data section has ${dataLength}`);
}

export interface DecodedSafetensors {
  /** Tensors by name, in the file's header order. */
  readonly tensors: StateDict;
  readonly metadata: Record<string, string>;
}

export interface DecodeSafetensorsOptions {
  /** Backend for the tensors; the active backend when omitted. */
  backend?: string;
}

/**
 * Reads a .safetensors file's bytes into tensors by name (ready for loadStateDict) and its metadata. Float16 and
 * bfloat16 load as float32; integer types load as int32 (an out-of-range value is an error, not a wrap-around).
 * @example
 * const { tensors } = decodeSafetensors(bytes); model.loadStateDict(tensors);
 */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeSafetensorsOptions = {}): DecodedSafetensors {
  const header = readSafetensorsHeader(bytes);
  const tensors: StateDict = {};
  for (const [name, { dtype, shape, dataOffsets }] of header.entries) {
    const raw = bytes.subarray(header.dataStart + dataOffsets[0], header.dataStart + dataOffsets[1]);
    const tensor = fromArray(decodeValues(name, dtype, raw), shape, loadedAs[dtype]!, { backend: options.backend });
    // Defined, not assigned: a tensor named "__proto__" would otherwise set the object's prototype and vanish.
    Object.defineProperty(tensors, name, { value: tensor, enumerable: true, writable: true, configurable: true });
  }
  return { tensors, metadata: { ...header.metadata } };
}

export interface EncodeSafetensorsOptions {
  /** Free-form string pairs stored under `__metadata__` (e.g. `{ format: 'pt' }`, which transformers expects). */
  metadata?: Record<string, string>;
}

/**
 * Writes tensors by name as .safetensors bytes, laid out as the reference writer does (wider dtypes first, then by
 * name; the header padded with spaces to a multiple of 8 bytes). Async because reading a tensor back from a GPU
 * backend is.
 * @example
 * const bytes = await encodeSafetensors(model.stateDict(), { metadata: { format: 'pt' } });
 */
export async function encodeSafetensors(
  tensors: StateDict | ReadonlyMap<string, Tensor>,
  options: EncodeSafetensorsOptions = {},
): Promise<Uint8Array> {
  const named = [...(tensors instanceof Map ? tensors : Object.entries(tensors as StateDict))] as Array<[string, Tensor]>;
  const metadata = options.metadata;
  if (metadata && !Object.values(metadata).every((value) => typeof value === 'string'))
    fail('invalid-header', 'metadata values must be strings');
  if (named.some(([name]) => name === '__metadata__')) fail('invalid-tensor', "a tensor cannot be named '__metadata__'");
  const itemSize = (tensor: Tensor) => dtypeSizes[savedAs[tensor.dtype]]!;
  named.sort(([nameA, a], [nameB, b]) => itemSize(b) - itemSize(a) || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0));
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const chunks: Uint8Array[] = [];
  let position = 0;
  for (const [name, tensor] of named) {
    const values = await tensor.data();
    const chunk = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    const size = itemSize(tensor);
    if (!isLittleEndianHost) for (let i = 0; i < chunk.length; i += size) chunk.subarray(i, i + size).reverse();
    header[name] = { dtype: savedAs[tensor.dtype], shape: [...tensor.shape], data_offsets: [position, position + chunk.length] };
    chunks.push(chunk);
    position += chunk.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padding = (8 - (json.length % 8)) % 8;
  if (padding > 0) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padding));
  const output = new Uint8Array(8 + json.length + position);
  new DataView(output.buffer).setBigUint64(0, BigInt(json.length), true);
  output.set(json, 8);
  let offset = 8 + json.length;
  for (const chunk of chunks) {
    output.set(chunk, offset);
    offset += chunk.length;
  }
  return output;
}
