/**
 * Every kernel name Lantern knows, declared once (as tfjs's kernel_names.ts does). Backends import these constants;
 * a missing kernel raises KernelNotFoundError with the name used here.
 */

/** Elementwise one-input primitives. Derivatives live in core (autograd/derivatives.ts), never in a backend. */
export const unaryOps = [
  'neg',
  'exp',
  'log',
  'sqrt',
  'reciprocal',
  'abs',
  'sign',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'erf',
  'floor',
  'ceil',
  'round',
  'logicalNot',
] as const;
export type UnaryOp = (typeof unaryOps)[number];

/** Elementwise two-input primitives over operands already broadcast by core (stride 0 where expanded). */
export const binaryOps = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
  'equal',
  'notEqual',
  'logicalAnd',
  'logicalOr',
] as const;
export type BinaryOp = (typeof binaryOps)[number];

/** Comparison and logical ops produce bool. */
export const boolResultOps: ReadonlySet<BinaryOp> = new Set([
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
  'equal',
  'notEqual',
  'logicalAnd',
  'logicalOr',
]);

export const reduceOps = ['sum', 'max', 'min', 'argmax', 'argmin'] as const;
export type ReduceOp = (typeof reduceOps)[number];

/** The remaining primitives, each one kernel. */
export const primitiveKernels = ['copy', 'fill', 'where', 'matmul'] as const;
