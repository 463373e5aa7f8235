import type { Tensor } from '../tensor.js';

/**
 * Where the rest of core tells a compile() trace in progress what it cannot see from kernel calls alone: which
 * leaves' gradients the step touches, and random draws. Null outside a trace, so each hook costs one check.
 * @internal
 */
export const compileHooks: {
  /** A leaf's `.grad` is about to be assigned (zeroGrad clearing it, backward giving it its first gradient). */
  gradSet: ((leaf: Tensor) => void) | null;
  /** Backward is about to accumulate into `leaf` (assigning `.grad` when it is null, adding to it otherwise). */
  gradAccumulate: ((leaf: Tensor) => void) | null;
  /** A generator is about to draw. */
  randomDraw: (() => void) | null;
} = { gradSet: null, gradAccumulate: null, randomDraw: null };
