import { record } from '../autograd/node.js';
import { getFastKernel } from '../engine.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { logSoftmax } from './activation.js';
import { commonBackend, emptyTensor } from './dispatch.js';
import { oneHotAlong } from './reduce.js';
import { where } from './where.js';

/**
 * Per-sample cross entropy of logits [N, C] against int32 class indices [N]: -log_softmax(logits)[n, target[n]].
 * The building block of CrossEntropyLoss; a backend's fused softmaxCrossEntropy kernel replaces the composition.
 */
export function softmaxCrossEntropy(logits: Tensor, targets: Tensor): Tensor {
  if (logits.ndim !== 2 || targets.ndim !== 1 || targets.shape[0] !== logits.shape[0]) {
    throw new ShapeError(
      `softmaxCrossEntropy: expected logits [N, C] and targets [N], got ${formatShape(logits.shape)} and ${formatShape(targets.shape)}`,
    );
  }
  commonBackend('softmaxCrossEntropy', [logits, targets]);
  if (targets.dtype !== 'int32') throw new DTypeError(`softmaxCrossEntropy: expected int32 class indices, got ${targets.dtype}`);
  const oneHot = oneHotAlong(targets.unsqueeze(1), logits.shape, 1);
  const fused = getFastKernel(logits.backend, 'softmaxCrossEntropy');
  // Select rather than multiply by the one-hot mask: 0 · -inf would turn a -inf logit elsewhere into NaN.
  if (!fused) return where(oneHot, logSoftmax(logits, 1), 0).sum(1).neg();
  const x = logits.contiguous(),
    t = targets.contiguous();
  const losses = emptyTensor([x.shape[0]!], x.dtype, x.backend);
  const probabilities = emptyTensor(x.shape, x.dtype, x.backend);
  const view = (tensor: Tensor) => tensor.kernelView('softmaxCrossEntropy', x.backend);
  fused(view(x), view(t), view(losses), view(probabilities));
  return record('softmaxCrossEntropy', losses, [x], (g) => [probabilities.sub(oneHot).mul(g.unsqueeze(1))]);
}
