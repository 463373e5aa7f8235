import type { AdamAttributes, SgdAttributes } from '@lantern/tensor';
import { type TfTensor, tf } from '../tfjs.js';
import { readView, type View, writeView } from '../views.js';

// The same order of elementary float32 operations as torch.optim (and the cpu backend's fused kernels), each one a
// tfjs op, so every intermediate is rounded to float32 where PyTorch rounds it. Scalars are float32 tfjs scalars.

/** torch.optim.SGD's rule for one parameter, in place (the parameter's and the momentum buffer's tensors replaced). */
export function sgdUpdate(parameter: View, grad: View, momentumBuffer: View | null, a: SgdAttributes): void {
  tf.tidy(() => {
    const p = readView(parameter);
    let d: TfTensor = readView(grad);
    if (a.maximize) d = tf.neg(d);
    if (a.weightDecay !== 0) d = tf.add(d, tf.mul(p, a.weightDecay));
    if (momentumBuffer && a.momentum !== 0) {
      const buffer = a.firstStep ? d : tf.add(tf.mul(readView(momentumBuffer), a.momentum), tf.mul(d, 1 - a.dampening));
      writeView(momentumBuffer, buffer);
      d = a.nesterov ? tf.add(d, tf.mul(buffer, a.momentum)) : buffer;
    }
    writeView(parameter, tf.sub(p, tf.mul(d, a.lr)));
  });
}

/** torch.optim.Adam / AdamW's rule for one parameter, in place. */
export function adamUpdate(
  parameter: View,
  grad: View,
  expAvg: View,
  expAvgSq: View,
  maxExpAvgSq: View | null,
  a: AdamAttributes,
): void {
  tf.tidy(() => {
    let p = readView(parameter);
    let d: TfTensor = readView(grad);
    if (a.maximize) d = tf.neg(d);
    if (a.weightDecay !== 0) {
      if (a.decoupledWeightDecay) p = tf.mul(p, 1 - a.lr * a.weightDecay);
      else d = tf.add(d, tf.mul(p, a.weightDecay));
    }
    const m = tf.add(tf.mul(readView(expAvg), a.beta1), tf.mul(d, 1 - a.beta1));
    const v = tf.add(tf.mul(readView(expAvgSq), a.beta2), tf.mul(tf.mul(d, d), 1 - a.beta2));
    writeView(expAvg, m);
    writeView(expAvgSq, v);
    let second = v;
    if (maxExpAvgSq) {
      second = tf.maximum(readView(maxExpAvgSq), v);
      writeView(maxExpAvgSq, second);
    }
    const stepSize = a.lr / (1 - a.beta1 ** a.step);
    const denominator = tf.add(tf.div(tf.sqrt(second), Math.sqrt(1 - a.beta2 ** a.step)), a.eps);
    writeView(parameter, tf.add(p, tf.mul(tf.div(m, denominator), -stepSize)));
  });
}
