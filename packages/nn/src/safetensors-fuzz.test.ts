import { registerCpuBackend } from '@lantern/backend-cpu';
import { type Mutation, mutations } from '@lantern/conformance/byte-mutations';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, readSafetensorsHeader, SafetensorsError } from './index.js';

await registerCpuBackend();

// Property tests of the safetensors reader: random bytes, damaged valid files and valid files whose header declares
// hostile values must give tensors or a SafetensorsError, never another exception, a hang, or an allocation sized by
// the header rather than by the file. Run counts are fixed so the whole file stays around a second.

const loadable = { F32: 4, F64: 8, I32: 4, BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, U32: 4, I64: 8, U64: 8, F16: 2, BF16: 2 };
type Entry = { dtype: string; shape: number[]; data_offsets: [number, number] };

/** A header object and data section as a writer following the format produces them. */
const validFile = fc
  .record({
    tensors: fc.dictionary(
      fc.string({ minLength: 1, maxLength: 12 }).filter((name) => name !== '__metadata__'),
      fc.record({
        dtype: fc.constantFrom(...(Object.keys(loadable) as Array<keyof typeof loadable>)),
        shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      }),
      { maxKeys: 4 },
    ),
    metadata: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 16 }), { maxKeys: 3 }), {
      nil: undefined,
    }),
    seed: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ tensors, metadata, seed }) => {
    const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
    const chunks: number[] = [];
    for (const [name, { dtype, shape }] of Object.entries(tensors)) {
      const [count, itemSize] = [shape.reduce((product, extent) => product * extent, 1), loadable[dtype]];
      const entry = { dtype, shape, data_offsets: [chunks.length, chunks.length + count * itemSize] } satisfies Entry;
      // Defined, not assigned, so that a name such as "__proto__" is a key of the header like any other.
      Object.defineProperty(header, name, { value: entry, enumerable: true, writable: true, configurable: true });
      // Each element's low byte small and the others zero: in range for every integer dtype, any value for the rest.
      for (let index = 0; index < count * itemSize; index++) chunks.push(index % itemSize === 0 ? (index + seed) % 7 : 0);
    }
    return { header, data: Uint8Array.from(chunks) };
  });

function encode(header: unknown, data: Uint8Array, headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

/** Decodes, and on success checks that what was decoded fits in the bytes it came from. */
function decodeOrTypedError(bytes: Uint8Array): 'decoded' | SafetensorsError['reason'] {
  try {
    const header = readSafetensorsHeader(bytes);
    const { tensors } = decodeSafetensors(bytes);
    let total = 0;
    for (const [name, entry] of header.entries) {
      const [begin, end] = entry.dataOffsets;
      expect(header.dataStart + end).toBeLessThanOrEqual(bytes.length);
      expect(tensors[name]!.shape).toEqual(entry.shape);
      total += end - begin;
      tensors[name]!.dispose();
    }
    expect(header.dataStart + total).toBe(bytes.length);
    return 'decoded';
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw error;
    expect(error.message).toMatch(/^safetensors: /);
    return error.reason;
  }
}

/** Values a hostile header puts where counts and offsets belong. */
const hostileNumber = fc.constantFrom(
  -1,
  1.5,
  2 ** 31,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  1e300,
  Number.MAX_VALUE,
  '4',
  null,
  true,
  [],
  {},
);

/** A header field replaced with a hostile value: a shape extent, an offset, the dtype, or a whole entry or metadata. */
const hostileHeader = fc
  .tuple(validFile, fc.nat(), fc.constantFrom('extent', 'offset', 'dtype', 'entry', 'metadata'), hostileNumber, fc.string())
  .map(({ 0: { header, data }, 1: pick, 2: field, 3: value, 4: text }) => {
    const names = Object.keys(header).filter((name) => name !== '__metadata__');
    const name = names[pick % Math.max(1, names.length)] ?? 'added';
    const entry = { ...((header[name] as Entry | undefined) ?? { dtype: 'F32', shape: [1], data_offsets: [0, 4] }) };
    if (field === 'extent') entry.shape = [...entry.shape, value as number];
    if (field === 'offset') entry.data_offsets = [entry.data_offsets[0], value as number];
    if (field === 'dtype') entry.dtype = text;
    const changed = { ...header, [name]: field === 'entry' ? value : entry };
    if (field === 'metadata') changed.__metadata__ = { [text]: value };
    return encode(changed, data);
  });

describe('the safetensors reader under random and damaged input', () => {
  it('valid files decode (300 runs)', () => {
    fc.assert(
      fc.property(validFile, ({ header, data }) => {
        expect(decodeOrTypedError(encode(header, data))).toBe('decoded');
      }),
      { numRuns: 300 },
    );
  });

  it('damaged valid files: tensors or a SafetensorsError (1,500 runs)', () => {
    fc.assert(
      fc.property(validFile, mutations(16), ({ header, data }, damage: Mutation) => {
        decodeOrTypedError(damage(encode(header, data)));
      }),
      { numRuns: 1500 },
    );
  });

  it('hostile declared shapes, offsets, dtypes and metadata: a SafetensorsError before any allocation (1,000 runs)', () => {
    fc.assert(
      fc.property(hostileHeader, (bytes) => {
        decodeOrTypedError(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it('random bytes, with and without a plausible header length: a SafetensorsError (500 runs)', () => {
    const lengthPrefixed = fc.uint8Array({ maxLength: 256 }).map((tail) => {
      const bytes = new Uint8Array(8 + tail.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(tail.length), true);
      bytes.set(tail, 8);
      return bytes;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 256 }), lengthPrefixed), (bytes) => {
        decodeOrTypedError(bytes);
      }),
      { numRuns: 500 },
    );
  });
});
