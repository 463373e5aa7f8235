import { describe, expect, it } from 'vitest';
import { encodeRecord, maskedCrc32c } from './record.js';
import { crc32cByTable, readRecords } from './testing/event-file-reader.js';

const ascii = (text: string) => new TextEncoder().encode(text);
const masked = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

describe('TFRecord framing', () => {
  it("the test's own CRC32C gives the standard check value (CRC-32C of '123456789' is 0xE3069283)", () => {
    expect(crc32cByTable(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32cByTable(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
  });

  it("masks the writer's CRC32C as TensorFlow does, agreeing with the table-driven CRC on random data", () => {
    let seed = 12345;
    const nextByte = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (const length of [0, 1, 7, 8, 100, 4096]) {
      const bytes = Uint8Array.from({ length }, nextByte);
      expect(maskedCrc32c(bytes)).toBe(masked(crc32cByTable(bytes)));
    }
    // By hand from the definition: 0xe3069283 rotated right by 15 is 0x2507c60d; plus 0xa282ead8, modulo 2^32.
    expect(maskedCrc32c(ascii('123456789'))).toBe(0xc78ab0e5);
  });

  it('frames data as length (uint64 LE), masked CRC of the length, data, masked CRC of the data', () => {
    const data = ascii('brain.Event:2');
    const record = encodeRecord(data);
    expect(record.length).toBe(8 + 4 + data.length + 4);
    const view = new DataView(record.buffer);
    expect(view.getBigUint64(0, true)).toBe(BigInt(data.length));
    expect(view.getUint32(8, true)).toBe(masked(crc32cByTable(record.subarray(0, 8))));
    expect(record.subarray(12, 12 + data.length)).toEqual(data);
    expect(view.getUint32(12 + data.length, true)).toBe(masked(crc32cByTable(data)));
    expect(readRecords(new Uint8Array([...record, ...encodeRecord(new Uint8Array(0))]))).toEqual([data, new Uint8Array(0)]);
  });

  it("the tests' reader rejects a corrupted length, corrupted data and a truncated file", () => {
    const record = encodeRecord(ascii('some event'));
    const corrupt = (index: number) => record.map((byte, at) => (at === index ? byte ^ 1 : byte));
    expect(() => readRecords(corrupt(0))).toThrow(/bad length checksum/);
    expect(() => readRecords(corrupt(14))).toThrow(/bad data checksum/);
    expect(() => readRecords(record.subarray(0, record.length - 2))).toThrow(/truncated/);
  });
});
