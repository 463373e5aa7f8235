import { ShapeError, type TensorView, type TypedArray } from '@lantern/tensor';

/** Per row: loss = logsumexp(x) - x[target], and the softmax probabilities that backward needs. */
export function softmaxCrossEntropy(
  logits: TensorView<TypedArray>,
  targets: TensorView<TypedArray>,
  losses: TensorView<TypedArray>,
  probabilities: TensorView<TypedArray>,
): void {
  const [rows, classes] = logits.shape as [number, number];
  const x = logits.handle,
    t = targets.handle,
    loss = losses.handle,
    p = probabilities.handle;
  for (let r = 0; r < rows; r++) {
    const base = logits.offset + r * classes,
      out = probabilities.offset + r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, x[base + c]!);
    let total = 0;
    for (let c = 0; c < classes; c++) total += Math.exp(x[base + c]! - max);
    for (let c = 0; c < classes; c++) p[out + c] = Math.exp(x[base + c]! - max) / total;
    const target = t[targets.offset + r]!;
    if (target < 0 || target >= classes)
      throw new ShapeError(`softmaxCrossEntropy: target ${target} is out of bounds for ${classes} classes`);
    loss[losses.offset + r] = Math.log(total) + max - x[base + target]!;
  }
}
