import { clamp, gelu, leakyRelu, logSoftmax, softmax } from '../ops/activation.js';
import type { Operand } from '../ops/broadcast.js';
import { binary, unary } from '../ops/elementwise.js';
import { where } from '../ops/where.js';
import type { Tensor } from '../tensor.js';

export const elementwiseMethods = {
  add(other: Operand, alpha = 1): Tensor {
    return binary('add', this, alpha === 1 ? other : binary('mul', other, alpha));
  },
  sub(other: Operand, alpha = 1): Tensor {
    return binary('sub', this, alpha === 1 ? other : binary('mul', other, alpha));
  },
  mul(other: Operand): Tensor {
    return binary('mul', this, other);
  },
  div(other: Operand): Tensor {
    return binary('div', this, other);
  },
  pow(exponent: Operand): Tensor {
    return binary('pow', this, exponent);
  },
  maximum(other: Operand): Tensor {
    return binary('maximum', this, other);
  },
  minimum(other: Operand): Tensor {
    return binary('minimum', this, other);
  },
  lt(other: Operand): Tensor {
    return binary('less', this, other);
  },
  le(other: Operand): Tensor {
    return binary('lessEqual', this, other);
  },
  gt(other: Operand): Tensor {
    return binary('greater', this, other);
  },
  ge(other: Operand): Tensor {
    return binary('greaterEqual', this, other);
  },
  eq(other: Operand): Tensor {
    return binary('equal', this, other);
  },
  ne(other: Operand): Tensor {
    return binary('notEqual', this, other);
  },
  logicalAnd(other: Operand): Tensor {
    return binary('logicalAnd', this, other);
  },
  logicalOr(other: Operand): Tensor {
    return binary('logicalOr', this, other);
  },
  where(condition: Tensor, other: Operand): Tensor {
    return where(condition, this, other);
  },
  logicalNot(): Tensor {
    return unary('logicalNot', this);
  },
  neg(): Tensor {
    return unary('neg', this);
  },
  exp(): Tensor {
    return unary('exp', this);
  },
  log(): Tensor {
    return unary('log', this);
  },
  sqrt(): Tensor {
    return unary('sqrt', this);
  },
  rsqrt(): Tensor {
    return this.sqrt().reciprocal();
  },
  reciprocal(): Tensor {
    return unary('reciprocal', this);
  },
  square(): Tensor {
    return this.mul(this);
  },
  abs(): Tensor {
    return unary('abs', this);
  },
  sign(): Tensor {
    return unary('sign', this);
  },
  sin(): Tensor {
    return unary('sin', this);
  },
  cos(): Tensor {
    return unary('cos', this);
  },
  tanh(): Tensor {
    return unary('tanh', this);
  },
  sigmoid(): Tensor {
    return unary('sigmoid', this);
  },
  relu(): Tensor {
    return unary('relu', this);
  },
  erf(): Tensor {
    return unary('erf', this);
  },
  floor(): Tensor {
    return unary('floor', this);
  },
  ceil(): Tensor {
    return unary('ceil', this);
  },
  round(): Tensor {
    return unary('round', this);
  },
  clamp(min?: number | null, max?: number | null): Tensor {
    return clamp(this, min, max);
  },
  leakyRelu(negativeSlope = 0.01): Tensor {
    return leakyRelu(this, negativeSlope);
  },
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor {
    return gelu(this, approximate);
  },
  softmax(dim: number): Tensor {
    return softmax(this, dim);
  },
  logSoftmax(dim: number): Tensor {
    return logSoftmax(this, dim);
  },
} satisfies Partial<Tensor> & ThisType<Tensor>;
