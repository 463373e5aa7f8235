import { describe, expect, it } from 'vitest';
import { fusedMultiplyAddFloat32 } from './fused-multiply-add.js';

describe('fusedMultiplyAddFloat32', () => {
  it('rounds once where rounding through a double would round twice', () => {
    // x · range = 1 + 262112·2⁻⁴⁷ exactly (8390624 · 16773185 = 2⁴⁷ + 262112). Added to 2²⁴ the double sum lands on the
    // float32 tie 2²⁴ + 1 and ties-to-even would give 2²⁴; the exact value lies above the tie, so one rounding gives 2²⁴ + 2.
    const x = 8390624 * 2 ** -24,
      range = 16773185 * 2 ** -23,
      from = 2 ** 24;
    expect(Math.fround(x * range + from)).toBe(2 ** 24);
    expect(fusedMultiplyAddFloat32(x, range, from)).toBe(2 ** 24 + 2);
  });

  it('agrees with plain rounding when the double sum is exact', () => {
    for (const [x, range, from] of [
      [0.5, 2, -1],
      [0.25, Math.fround(0.1), Math.fround(-0.05)],
      [0, 3, 7],
    ] as const) {
      expect(fusedMultiplyAddFloat32(x, range, from)).toBe(Math.fround(x * range + from));
    }
  });
});
