// Test helper: fast-check arbitraries that damage a valid file the ways files get damaged (a copy cut short, flipped
// bits, a field overwritten with an extreme value, bytes inserted or lost), for the parsers' property tests.
import fc from 'fast-check';

export type Mutation = (bytes: Uint8Array) => Uint8Array;

/** Values a hostile or damaged length field holds: zero, one past the end, sign bits, all ones. */
const extremes = [0n, 1n, 0x7fn, 0xffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];

const truncate = fc.nat().map<Mutation>((cut) => (bytes) => bytes.slice(0, bytes.length === 0 ? 0 : cut % bytes.length));

const flipBits = fc
  .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 })
  .map<Mutation>((flips) => (bytes) => {
    const copy = bytes.slice();
    for (const [position, bit] of flips) if (copy.length > 0) copy[position % copy.length]! ^= 1 << bit;
    return copy;
  });

/** An extreme value written over 4 or 8 bytes, either byte order, somewhere in the first `near` bytes (the headers). */
const overwriteNumber = (near: number) =>
  fc
    .tuple(fc.nat(near), fc.constantFrom(...extremes), fc.constantFrom(4, 8), fc.boolean())
    .map<Mutation>(([position, value, width, littleEndian]) => (bytes) => {
      const copy = bytes.slice();
      if (copy.length < width) return copy;
      const at = position % (copy.length - width + 1);
      const view = new DataView(copy.buffer, copy.byteOffset + at, width);
      if (width === 8) view.setBigUint64(0, value & (2n ** 64n - 1n), littleEndian);
      else view.setUint32(0, Number(value & 0xffffffffn), littleEndian);
      return copy;
    });

const splice = fc
  .tuple(fc.nat(), fc.nat(64), fc.uint8Array({ maxLength: 64 }))
  .map<Mutation>(([position, removed, inserted]) => (bytes) => {
    const at = bytes.length === 0 ? 0 : position % bytes.length;
    const result = new Uint8Array(bytes.length - Math.min(removed, bytes.length - at) + inserted.length);
    result.set(bytes.subarray(0, at));
    result.set(inserted, at);
    result.set(bytes.subarray(at + removed), at + inserted.length);
    return result;
  });

/** One to three damages of the kinds above, applied in turn; numbers are overwritten within the first `headerBytes`. */
export function mutations(headerBytes = 64): fc.Arbitrary<Mutation> {
  const one = fc.oneof(truncate, flipBits, overwriteNumber(headerBytes), splice);
  return fc
    .array(one, { minLength: 1, maxLength: 3 })
    .map<Mutation>((steps) => (bytes) => steps.reduce((current, step) => step(current), bytes));
}
