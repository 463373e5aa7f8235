import { tf } from '../tfjs.js';
import { readView, type View, writeView } from '../views.js';

/**
 * Per row: loss = logsumexp(x) - x[target] and the softmax probabilities, from one shifted exponential. (tfjs's
 * LogSoftmax kernel is missing on its wasm backend, so this stays on Max/Exp/Sum/Log/OneHot/Select, which all have.)
 */
export function softmaxCrossEntropy(logits: View, targets: View, losses: View, probabilities: View): void {
  tf.tidy(() => {
    const x = readView(logits);
    const classes = logits.shape[1]!;
    const rowMax = tf.max(x, 1, true);
    const exponentials = tf.exp(tf.sub(x, rowMax));
    const total = tf.sum(exponentials, 1, true);
    // Selected rather than multiplied by the one-hot mask: a -Infinity logit elsewhere in the row times 0 is NaN.
    const isTarget = tf.cast(tf.oneHot(tf.cast(readView(targets), 'int32') as tf.Tensor1D, classes), 'bool');
    const atTarget = tf.sum(tf.where(isTarget, x, tf.zerosLike(x)), 1);
    writeView(losses, tf.sub(tf.reshape(tf.add(tf.log(total), rowMax), [-1]), atTarget));
    writeView(probabilities, tf.div(exponentials, total));
  });
}
