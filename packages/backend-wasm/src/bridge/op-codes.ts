import type { BinaryOp, UnaryOp } from '@lantern/tensor';

// The codes unaryF32 and binaryF32 (assembly/elementwise.ts) switch on. Each op's code is written here, never taken
// from its position in core's op lists, so adding an op to core moves no code; `satisfies` makes the compiler ask
// for every op core declares, and the build rejects two ops sharing a code (check-table.ts).

/** null: the op stays on the cpu reference's loops (logicalNot reads and writes bool, which the module leaves). */
export const unaryOpCodes = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  reciprocal: 4,
  abs: 5,
  sign: 6,
  sin: 7,
  cos: 8,
  tanh: 9,
  sigmoid: 10,
  relu: 11,
  erf: 12,
  floor: 13,
  ceil: 14,
  round: 15,
  logicalNot: null,
} as const satisfies Record<UnaryOp, number | null>;

export const binaryOpCodes = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
  less: 7,
  lessEqual: 8,
  greater: 9,
  greaterEqual: 10,
  equal: 11,
  notEqual: 12,
  logicalAnd: 13,
  logicalOr: 14,
} as const satisfies Record<BinaryOp, number | null>;
