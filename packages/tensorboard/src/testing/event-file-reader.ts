// A reader of TensorBoard event files for the tests, sharing no code with the writer: its own table-driven CRC32C
// (the writer uses the crc-32 package) and its own protocol buffer wire-format decoder (the writer uses @bufbuild/protobuf),
// with the field numbers of TensorBoard's .proto files. Decoded messages use the .proto files' snake_case names, and
// any field number a message does not declare is an error, so a stray field cannot pass unnoticed.

const castagnoliTable = (() => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    table[byte] = crc >>> 0;
  }
  return table;
})();

export function crc32cByTable(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = castagnoliTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const masked = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** The records of a TFRecord file; throws on a bad length or data checksum, or a truncated record. */
export function readRecords(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const records: Uint8Array[] = [];
  let offset = 0;
  while (offset < file.length) {
    if (offset + 12 > file.length) throw new Error(`truncated record header at byte ${offset}`);
    const length = Number(view.getBigUint64(offset, true));
    if (view.getUint32(offset + 8, true) !== masked(crc32cByTable(file.subarray(offset, offset + 8)))) {
      throw new Error(`bad length checksum at byte ${offset}`);
    }
    const data = file.subarray(offset + 12, offset + 12 + length);
    if (data.length !== length || offset + 16 + length > file.length) throw new Error(`truncated record at byte ${offset}`);
    if (view.getUint32(offset + 12 + length, true) !== masked(crc32cByTable(data))) {
      throw new Error(`bad data checksum at byte ${offset}`);
    }
    records.push(data);
    offset += 16 + length;
  }
  return records;
}

type Raw = { wireType: number; varint?: bigint; bytes?: Uint8Array };

/** The fields of one message, in wire order: [field number, raw value]. */
export function wireFields(bytes: Uint8Array): Array<[number, Raw]> {
  const fields: Array<[number, Raw]> = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (offset >= bytes.length) throw new Error('truncated varint');
      const byte = bytes[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
  };
  const take = (length: number) => {
    if (offset + length > bytes.length) throw new Error('truncated field');
    offset += length;
    return bytes.subarray(offset - length, offset);
  };
  while (offset < bytes.length) {
    const key = Number(varint());
    const wireType = key & 7;
    const field = key >>> 3;
    if (wireType === 0) fields.push([field, { wireType, varint: varint() }]);
    else if (wireType === 1) fields.push([field, { wireType, bytes: take(8) }]);
    else if (wireType === 2) fields.push([field, { wireType, bytes: take(Number(varint())) }]);
    else if (wireType === 5) fields.push([field, { wireType, bytes: take(4) }]);
    else throw new Error(`unsupported wire type ${wireType} (field ${field})`);
  }
  return fields;
}

const littleEndian = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

type Kind = 'double' | 'float' | 'int64' | 'int32' | 'bool' | 'string' | 'bytes' | 'packed-double' | 'packed-float' | Decoder;
type Decoder = (bytes: Uint8Array) => Record<string, unknown>;
type Spec = Record<number, [name: string, kind: Kind, repeated?: 'repeated']>;

// The wire type each kind of field must arrive with: 0 varint, 1 eight bytes, 2 length-delimited, 5 four bytes.
const wireTypeOf: Record<Exclude<Kind, Decoder>, number> = {
  double: 1,
  float: 5,
  int64: 0,
  int32: 0,
  bool: 0,
  string: 2,
  bytes: 2,
  'packed-double': 2,
  'packed-float': 2,
};

function decodeValue(raw: Raw, kind: Kind, name: string): unknown {
  const expected = typeof kind === 'function' ? 2 : wireTypeOf[kind];
  if (raw.wireType !== expected) throw new Error(`field ${name}: wire type ${raw.wireType}, expected ${expected}`);
  if (typeof kind === 'function') return kind(raw.bytes!);
  switch (kind) {
    case 'double':
      return littleEndian(raw.bytes!).getFloat64(0, true);
    case 'float':
      return littleEndian(raw.bytes!).getFloat32(0, true);
    case 'int64':
    case 'int32':
      return Number(BigInt.asIntN(64, raw.varint!));
    case 'bool':
      return raw.varint! !== 0n;
    case 'string':
      return new TextDecoder('utf-8', { fatal: true }).decode(raw.bytes!);
    case 'bytes':
      return raw.bytes!;
    case 'packed-double':
    case 'packed-float': {
      const size = kind === 'packed-double' ? 8 : 4;
      const view = littleEndian(raw.bytes!);
      return Array.from({ length: raw.bytes!.length / size }, (_, index) =>
        size === 8 ? view.getFloat64(index * size, true) : view.getFloat32(index * size, true),
      );
    }
  }
}

/** A decoder for one message type; repeated fields become arrays (present even when empty). */
export function message(spec: Spec): Decoder {
  return (bytes) => {
    const decoded: Record<string, unknown> = {};
    for (const [, [name, , repeated]] of Object.entries(spec)) if (repeated) decoded[name] = [];
    for (const [field, raw] of wireFields(bytes)) {
      const entry = spec[field];
      if (!entry) throw new Error(`unexpected field number ${field} (fields: ${Object.keys(spec).join(', ')})`);
      const [name, kind, repeated] = entry;
      const value = decodeValue(raw, kind, name);
      if (repeated) (decoded[name] as unknown[]).push(...(kind.toString().startsWith('packed') ? (value as unknown[]) : [value]));
      else decoded[name] = value;
    }
    return decoded;
  };
}

// tensorboard/compat/proto/*.proto
const histogram = message({
  1: ['min', 'double'],
  2: ['max', 'double'],
  3: ['num', 'double'],
  4: ['sum', 'double'],
  5: ['sum_squares', 'double'],
  6: ['bucket_limit', 'packed-double', 'repeated'],
  7: ['bucket', 'packed-double', 'repeated'],
});
const image = message({
  1: ['height', 'int32'],
  2: ['width', 'int32'],
  3: ['colorspace', 'int32'],
  4: ['encoded_image_string', 'bytes'],
});
const tensorShape = message({ 2: ['dim', message({ 1: ['size', 'int64'], 2: ['name', 'string'] }), 'repeated'] });
const tensor = message({
  1: ['dtype', 'int32'],
  2: ['tensor_shape', tensorShape],
  5: ['float_val', 'packed-float', 'repeated'],
  6: ['double_val', 'packed-double', 'repeated'],
  8: ['string_val', 'bytes', 'repeated'],
});
const pluginData = message({ 1: ['plugin_name', 'string'], 2: ['content', 'bytes'] });
const summaryValue = message({
  1: ['tag', 'string'],
  2: ['simple_value', 'float'],
  4: ['image', image],
  5: ['histo', histogram],
  8: ['tensor', tensor],
  9: ['metadata', message({ 1: ['plugin_data', pluginData] })],
});
export const decodeSummary = message({ 1: ['value', summaryValue, 'repeated'] });
export const decodeEvent = message({
  1: ['wall_time', 'double'],
  2: ['step', 'int64'],
  3: ['file_version', 'string'],
  5: ['summary', decodeSummary],
  7: ['session_log', message({ 1: ['status', 'int32'] })],
});

// tensorboard/plugins/hparams/{api,plugin_data}.proto and google/protobuf/struct.proto
const protobufValue = message({ 2: ['number_value', 'double'], 3: ['string_value', 'string'], 4: ['bool_value', 'bool'] });
const mapEntry = message({ 1: ['key', 'string'], 2: ['value', protobufValue] });
export const decodeHparamsPluginData = message({
  1: ['version', 'int32'],
  2: [
    'experiment',
    message({
      4: [
        'hparam_infos',
        message({
          1: ['name', 'string'],
          4: ['type', 'int32'],
          5: ['domain_discrete', message({ 1: ['values', protobufValue, 'repeated'] })],
        }),
        'repeated',
      ],
      5: ['metric_infos', message({ 1: ['name', message({ 1: ['group', 'string'], 2: ['tag', 'string'] })] }), 'repeated'],
    }),
  ],
  3: ['session_start_info', message({ 1: ['hparams', mapEntry, 'repeated'] })],
  4: ['session_end_info', message({ 1: ['status', 'int32'] })],
});

/**
 * Every event of an event file, decoded. The result is typed loosely on purpose: tests reach into nested messages by
 * field name and compare them with expected objects, which is where a mismatch shows.
 */
// biome-ignore lint/suspicious/noExplicitAny: decoded messages are dynamic, shaped by the field tables above.
export function readEvents(file: Uint8Array): Array<Record<string, any>> {
  return readRecords(file).map((record) => decodeEvent(record));
}
