import { hasQuirk } from '../quirks.js';
import { type TfTensor, tf } from '../tfjs.js';
import { readView, type View, writeView } from '../views.js';

/**
 * Reads a [B, R, C] matmul operand. A batch broadcast by stride 0 is read once (tfjs's batchMatMul broadcasts a batch
 * of 1); an operand laid out transposed (a `.t()` weight) is read as its transpose and flagged, so the read is a plain
 * copy and tfjs's kernel does the transposition.
 */
function operand(view: View): { values: TfTensor; transposed: boolean } {
  const [batch, rows, columns] = view.shape as [number, number, number];
  const batchStride = batch > 1 && view.strides[0] === 0 ? 0 : view.strides[0]!;
  const readBatch = batchStride === 0 ? 1 : batch;
  const [rowStride, columnStride] = [view.strides[1]!, view.strides[2]!];
  const transposed = rows > 1 && columns > 1 && rowStride === 1 && columnStride !== 1;
  const shape = transposed ? [readBatch, columns, rows] : [readBatch, rows, columns];
  const strides = transposed ? [batchStride, columnStride, rowStride] : [batchStride, rowStride, columnStride];
  return { values: readView({ ...view, shape, strides }), transposed };
}

/** Batched matrix product a [B, M, K] · b [B, K, N] → output [B, M, N]. */
export function matmul(a: View, b: View, output: View): void {
  tf.tidy(() => {
    // With an empty inner dim the product is zeros; tfjs's wasm backend returns uninitialised memory for it.
    if (a.shape[2] === 0) return writeView(output, tf.zeros([...output.shape], output.handle.dtype));
    const left = operand(a),
      right = operand(b);
    const rightValues = hasQuirk('matMulCachesRightOperand')
      ? tf.add(right.values, tf.scalar(0, right.values.dtype))
      : right.values;
    const product = tf.matMul(left.values, rightValues, left.transposed, right.transposed);
    writeView(output, product.shape[0] === output.shape[0] ? product : tf.broadcastTo(product, [...output.shape]));
  });
}
