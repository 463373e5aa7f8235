import type { BinaryOp, UnaryOp } from '@lantern/tensor';

/**
 * The one table every elementwise shader is generated from: per op, its WGSL expression over `a` (and `b`) for
 * floating inputs (f32) and for integer inputs (int32, and bool widened to i32). `bool: true` marks expressions of
 * WGSL type bool (comparisons); the store converts every result to the output dtype. An op without an `int`
 * expression never reaches the backend with integer inputs (core casts them to float32 first).
 */
export interface ElementwiseOp {
  readonly float: string;
  readonly int?: string;
  readonly bool?: true;
}

export const unaryTable: Record<UnaryOp, ElementwiseOp> = {
  neg: { float: '-a', int: '-a' },
  exp: { float: 'safeExp(a)' },
  log: { float: 'safeLog(a)' },
  sqrt: { float: 'safeSqrt(a)' },
  reciprocal: { float: 'safeDiv(1.0, a)' },
  abs: { float: 'abs(a)', int: 'abs(a)' },
  sign: { float: 'floatSign(a)', int: 'sign(a)' },
  sin: { float: 'sin(a)' },
  cos: { float: 'cos(a)' },
  tanh: { float: 'safeTanh(a)' },
  sigmoid: { float: 'safeSigmoid(a)' },
  relu: { float: 'select(0.0, a, a > 0.0)', int: 'max(a, 0)' },
  erf: { float: 'safeErf(a)' },
  floor: { float: 'floor(a)', int: 'a' },
  ceil: { float: 'ceil(a)', int: 'a' },
  // WGSL's round() rounds half to even, as torch.round does.
  round: { float: 'round(a)', int: 'a' },
  logicalNot: { float: 'a == 0.0', int: 'a == 0', bool: true },
};

export const binaryTable: Record<BinaryOp, ElementwiseOp> = {
  add: { float: 'a + b', int: 'a + b' },
  sub: { float: 'a - b', int: 'a - b' },
  mul: { float: 'a * b', int: 'a * b' },
  div: { float: 'safeDiv(a, b)' },
  pow: { float: 'safePow(a, b)', int: 'integerPow(a, b)' },
  maximum: { float: 'floatMaximum(a, b)', int: 'max(a, b)' },
  minimum: { float: 'floatMinimum(a, b)', int: 'min(a, b)' },
  less: { float: 'a < b', int: 'a < b', bool: true },
  lessEqual: { float: 'a <= b', int: 'a <= b', bool: true },
  greater: { float: 'a > b', int: 'a > b', bool: true },
  greaterEqual: { float: 'a >= b', int: 'a >= b', bool: true },
  equal: { float: 'a == b', int: 'a == b', bool: true },
  notEqual: { float: 'a != b', int: 'a != b', bool: true },
  logicalAnd: { float: '(a != 0.0) && (b != 0.0)', int: '(a != 0) && (b != 0)', bool: true },
  logicalOr: { float: '(a != 0.0) || (b != 0.0)', int: '(a != 0) || (b != 0)', bool: true },
};
