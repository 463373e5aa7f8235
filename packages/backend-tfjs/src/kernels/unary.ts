import type { UnaryOp } from '@lantern/tensor';
import { type TfTensor, tf } from '../tfjs.js';
import { readView, type View, writeView } from '../views.js';

const toBool = (x: TfTensor) => (x.dtype === 'bool' ? x : tf.cast(x, 'bool'));

/** Each Lantern unary primitive as a tfjs op. tfjs's round, like torch.round, rounds half to even. */
export const unaryOps: Record<UnaryOp, (x: TfTensor) => TfTensor> = {
  neg: tf.neg,
  exp: tf.exp,
  log: tf.log,
  sqrt: tf.sqrt,
  reciprocal: tf.reciprocal,
  abs: tf.abs,
  sign: tf.sign,
  sin: tf.sin,
  cos: tf.cos,
  tanh: tf.tanh,
  sigmoid: tf.sigmoid,
  relu: tf.relu,
  erf: tf.erf,
  floor: tf.floor,
  ceil: tf.ceil,
  round: tf.round,
  logicalNot: (x) => tf.logicalNot(toBool(x)),
};

/** The tfjs kernel each unary primitive runs (for the gap check). */
export const unaryKernelNames: Record<UnaryOp, string> = {
  neg: 'Neg',
  exp: 'Exp',
  log: 'Log',
  sqrt: 'Sqrt',
  reciprocal: 'Reciprocal',
  abs: 'Abs',
  sign: 'Sign',
  sin: 'Sin',
  cos: 'Cos',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  relu: 'Relu',
  erf: 'Erf',
  floor: 'Floor',
  ceil: 'Ceil',
  round: 'Round',
  logicalNot: 'LogicalNot',
};

// Rounding an integer is the identity (torch keeps the dtype); tfjs's kernels would go through float.
const identityOnIntegers: ReadonlySet<UnaryOp> = new Set(['floor', 'ceil', 'round']);

export function unary(op: UnaryOp, input: View, output: View): void {
  tf.tidy(() => {
    const x = readView(input);
    const integer = x.dtype !== 'float32';
    writeView(output, integer && identityOnIntegers.has(op) ? x : unaryOps[op](x));
  });
}
