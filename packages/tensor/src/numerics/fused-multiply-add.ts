const float32View = new Float32Array(1);
const bitsView = new Int32Array(float32View.buffer);

/** The float32 next to `value` in `direction` (+1 up, -1 down). */
function adjacentFloat32(value: number, direction: number): number {
  if (value === 0) return direction * 2 ** -149;
  float32View[0] = value;
  bitsView[0]! += value > 0 === direction > 0 ? 1 : -1;
  return float32View[0]!;
}

/**
 * float32(x · range + from) rounded once, as the fused multiply-add PyTorch's CPU kernel compiles to. The product of
 * two float32 values is exact in a double; the sum may round, and TwoSum recovers that error to settle the one case
 * where rounding twice differs from rounding once: a double sum landing exactly on a float32 tie.
 */
export function fusedMultiplyAddFloat32(x: number, range: number, from: number): number {
  const product = x * range;
  const sum = product + from;
  const rounded = Math.fround(sum);
  if (rounded === sum) return rounded;
  const partial = sum - from;
  const error = product - partial + (from - (sum - partial));
  if (error === 0) return rounded;
  const neighbour = adjacentFloat32(rounded, sum > rounded ? 1 : -1);
  if ((rounded + neighbour) / 2 !== sum) return rounded;
  return error > 0 === neighbour > rounded ? neighbour : rounded;
}
