// crc-32 ships type declarations for its CRC32 entry only; its CRC32C entry (crc32c.js) has the same interface.
declare module 'crc-32/crc32c.js' {
  const crc32c: {
    /** CRC32C of the bytes, as a signed 32-bit integer (`>>> 0` gives the unsigned value). */
    buf(data: Uint8Array | number[], seed?: number): number;
  };
  export default crc32c;
}
