import { ShapeError, type TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { addressOf } from '../views.js';

/** Per row: loss = logsumexp(x) - x[target], and the softmax probabilities backward needs (f64 inside, as the cpu). */
export function softmaxCrossEntropy(
  context: WasmContext,
  logits: TensorView,
  targets: TensorView,
  losses: TensorView,
  probabilities: TensorView,
): void {
  const [rows, classes] = logits.shape as [number, number];
  const badRow = context.exports.softmaxCrossEntropyF32(
    addressOf(logits),
    addressOf(targets),
    addressOf(losses),
    addressOf(probabilities),
    rows,
    classes,
  );
  if (badRow >= 0) {
    const target = context.runtime.i32[addressOf(targets) / 4 + badRow];
    throw new ShapeError(`softmaxCrossEntropy: target ${target} is out of bounds for ${classes} classes`);
  }
}
