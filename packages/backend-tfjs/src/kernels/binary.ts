import type { BinaryOp } from '@lantern/tensor';
import { type TfTensor, tf } from '../tfjs.js';
import { readCompact, type View, writeView } from '../views.js';

type Binary = (a: TfTensor, b: TfTensor) => TfTensor;
const logical =
  (f: Binary): Binary =>
  (a, b) =>
    f(a.dtype === 'bool' ? a : tf.cast(a, 'bool'), b.dtype === 'bool' ? b : tf.cast(b, 'bool'));

/** Each Lantern binary primitive as a tfjs op; tfjs broadcasts the stride-0 axes that readCompact leaves at 1. */
export const binaryOps: Record<BinaryOp, Binary> = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: tf.div,
  pow: tf.pow,
  maximum: tf.maximum,
  minimum: tf.minimum,
  less: tf.less,
  lessEqual: tf.lessEqual,
  greater: tf.greater,
  greaterEqual: tf.greaterEqual,
  equal: tf.equal,
  notEqual: tf.notEqual,
  logicalAnd: logical(tf.logicalAnd),
  logicalOr: logical(tf.logicalOr),
};

export const binaryKernelNames: Record<BinaryOp, string> = {
  add: 'Add',
  sub: 'Sub',
  mul: 'Multiply',
  div: 'RealDiv',
  pow: 'Pow',
  maximum: 'Maximum',
  minimum: 'Minimum',
  less: 'Less',
  lessEqual: 'LessEqual',
  greater: 'Greater',
  greaterEqual: 'GreaterEqual',
  equal: 'Equal',
  notEqual: 'NotEqual',
  logicalAnd: 'LogicalAnd',
  logicalOr: 'LogicalOr',
};

const arithmetic: ReadonlySet<BinaryOp> = new Set(['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum']);

export function binary(op: BinaryOp, a: View, b: View, output: View): void {
  tf.tidy(() => {
    let x = readCompact(a),
      y = readCompact(b);
    // Arithmetic on bool (torch: add is or, mul is and) goes through int32; the write casts back to nonzero.
    if (arithmetic.has(op) && x.dtype === 'bool') [x, y] = [tf.cast(x, 'int32'), tf.cast(y, 'int32')];
    writeView(output, broadcastToShape(binaryOps[op](x, y), output.shape));
  });
}

export function where(condition: View, a: View, b: View, output: View): void {
  tf.tidy(() => {
    const mask = readCompact(condition);
    const selected = tf.where(mask.dtype === 'bool' ? mask : tf.cast(mask, 'bool'), readCompact(a), readCompact(b));
    writeView(output, broadcastToShape(selected, output.shape));
  });
}

/** When every operand was broadcast along an axis, the tfjs result still has 1 there. */
export function broadcastToShape(values: TfTensor, shape: readonly number[]): TfTensor {
  return values.shape.every((extent, axis) => extent === shape[axis]) && values.rank === shape.length
    ? values
    : tf.broadcastTo(values, [...shape]);
}
