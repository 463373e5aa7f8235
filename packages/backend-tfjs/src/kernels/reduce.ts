import type { ReduceOp } from '@lantern/tensor';
import { type TfTensor, tf } from '../tfjs.js';
import { readView, type View, writeView } from '../views.js';

export const reduceKernelNames: Record<ReduceOp, string> = {
  sum: 'Sum',
  max: 'Max',
  min: 'Min',
  argmax: 'ArgMax',
  argmin: 'ArgMin',
};

/**
 * Reductions with keepDims, so the result has the output's shape. tfjs's cpu argMax/argMin keep the first index on
 * ties, as PyTorch; its max/min propagate NaN, as torch.amax/amin.
 */
export function reduce(op: ReduceOp, input: View, axes: readonly number[], output: View): void {
  tf.tidy(() => {
    let x = readView(input);
    if (axes.length === 0 || input.shape.length === 0) return writeView(output, x);
    // tfjs reduces bool by summing it as int32 and refuses max/min on bool; through int32 both give torch's answer.
    if (x.dtype === 'bool') x = tf.cast(x, 'int32');
    let result: TfTensor;
    if (op === 'argmax' || op === 'argmin') {
      result = (op === 'argmax' ? tf.argMax : tf.argMin)(x, axes[0]!);
    } else {
      result = (op === 'sum' ? tf.sum : op === 'max' ? tf.max : tf.min)(x, [...axes], true);
    }
    writeView(output, tf.reshape(result, [...output.shape]));
  });
}
