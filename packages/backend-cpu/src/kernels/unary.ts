import type { TensorView, TypedArray, UnaryOp } from '@lantern/tensor';
import { forEachRow } from './strided.js';

// erf by Abramowitz-Stegun 7.1.26 is too coarse for gradient checks; this is W. J. Cody's rational approximation
// as used by many libms (|error| < 1.2e-7 relative, which is below float32 resolution).
function erf(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x -
          1.26551223 +
          t *
            (1.00002368 +
              t *
                (0.37409196 +
                  t *
                    (0.09678418 +
                      t *
                        (-0.18628806 +
                          t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
}

export const unaryFunctions: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  reciprocal: (x) => 1 / x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  // biome-ignore lint/complexity/useMathMinMax: NaN gives 0, as in the wasm and WebGPU kernels (Math.max gives NaN).
  relu: (x) => (x > 0 ? x : 0),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  // Round half to even, as torch.round.
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  logicalNot: (x) => (x === 0 ? 1 : 0),
};

export function unary(op: UnaryOp, input: TensorView<TypedArray>, output: TensorView<TypedArray>): void {
  const f = unaryFunctions[op];
  const x = input.handle,
    y = output.handle;
  forEachRow(output.shape, [input.strides, output.strides], [input.offset, output.offset], (length, [xo, yo], [xs, ys]) => {
    for (let i = 0; i < length; i++) y[yo! + i * ys!] = f(x[xo! + i * xs!]!);
  });
}
