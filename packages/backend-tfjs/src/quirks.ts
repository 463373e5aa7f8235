import { tf } from './tfjs.js';

/**
 * Defects of tfjs 4.22 backends that the adapter works around, each found by running the conformance suite on that
 * backend (wasm.test.ts) and listed in the README. Keyed by tfjs backend name, checked per call (cheap).
 */
export const tfjsQuirks = {
  /**
   * wasm's MaxPoolWithArgmax starts each window's maximum at FLT_MIN (C++'s numeric_limits<float>::min(), the smallest
   * positive float) instead of -Infinity: a window of negative values pools to 1.18e-38. The composition is used instead.
   */
  maxPoolWithArgmaxIsWrong: new Set(['wasm']),
  /**
   * wasm's BatchMatMul caches its packed right operand by data id, not by shape: after a [1, 3, 1] product, a [1, 1, 3]
   * reshape of the same data (a free tfjs reshape shares the id) reuses the stale packing. The right operand is copied.
   */
  matMulCachesRightOperand: new Set(['wasm']),
} as const;

export function hasQuirk(quirk: keyof typeof tfjsQuirks): boolean {
  return tfjsQuirks[quirk].has(tf.getBackend());
}
