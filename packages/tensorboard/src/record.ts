import crc32c from 'crc-32/crc32c.js';

// TFRecord framing, as TensorFlow's RecordWriter writes it and TensorBoard's reader checks it:
//   uint64 length (little-endian) | uint32 masked CRC32C of those 8 bytes | data | uint32 masked CRC32C of the data

/** TensorFlow's "masked" CRC32C: the checksum rotated right by 15 bits plus a constant (crc32c.h, kMaskDelta). */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c.buf(bytes) >>> 0;
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** One record holding `data`, framed with its length and both checksums. */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const record = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(record.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(record.subarray(0, 8)), true);
  record.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return record;
}
