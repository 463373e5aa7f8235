import type { BinaryOp, UnaryOp } from '../kernel-names.js';
import { where } from '../ops/where.js';
import type { Tensor } from '../tensor.js';

/**
 * The derivative table of the elementwise primitives: the gradient of each input given the output's gradient `g`,
 * the inputs and the output. Ops missing here are not differentiable (comparisons) or have zero gradient (sign,
 * floor, ceil, round).
 */
export const unaryDerivatives: Partial<Record<UnaryOp, (g: Tensor, x: Tensor, y: Tensor) => Tensor>> = {
  neg: (g) => g.neg(),
  exp: (g, _x, y) => g.mul(y),
  log: (g, x) => g.div(x),
  sqrt: (g, _x, y) => g.div(y.mul(2)),
  reciprocal: (g, _x, y) => g.mul(y.mul(y)).neg(),
  abs: (g, x) => g.mul(x.sign()),
  sin: (g, x) => g.mul(x.cos()),
  cos: (g, x) => g.mul(x.sin()).neg(),
  tanh: (g, _x, y) => g.mul(y.mul(y).neg().add(1)),
  sigmoid: (g, _x, y) => g.mul(y.mul(y.neg().add(1))),
  relu: (g, _x, y) => g.mul(y.gt(0)),
  erf: (g, x) =>
    g.mul(
      x
        .mul(x)
        .neg()
        .exp()
        .mul(2 / Math.sqrt(Math.PI)),
    ),
};

export const zeroGradientUnaryOps: ReadonlySet<UnaryOp> = new Set(['sign', 'floor', 'ceil', 'round']);

type BinaryDerivative = (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor, Tensor];

// Gradients of maximum/minimum split evenly between tied operands, as PyTorch's do.
function tieAware(g: Tensor, winsA: Tensor, ties: Tensor): [Tensor, Tensor] {
  const half = ties.mul(0.5);
  return [g.mul(winsA.add(half)), g.mul(winsA.logicalNot().logicalAnd(ties.logicalNot()).add(half))];
}

export const binaryDerivatives: Partial<Record<BinaryOp, BinaryDerivative>> = {
  add: (g) => [g, g],
  sub: (g) => [g, g.neg()],
  mul: (g, a, b) => [g.mul(b), g.mul(a)],
  div: (g, a, b) => [g.div(b), g.neg().mul(a).div(b.mul(b))],
  // PyTorch masks the exponent's gradient where base == 0 and exponent >= 0 (log(0) would give NaN there), and the
  // base's gradient where the exponent is 0.
  pow: (g, a, b, out) => [
    where(b.eq(0), 0, g.mul(b.mul(a.pow(b.sub(1))))),
    where(a.eq(0).logicalAnd(b.ge(0)), 0, g.mul(out.mul(a.log()))),
  ],
  maximum: (g, a, b) => tieAware(g, a.gt(b), a.eq(b)),
  minimum: (g, a, b) => tieAware(g, a.lt(b), a.eq(b)),
};
