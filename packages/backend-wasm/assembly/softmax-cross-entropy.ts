// Fused softmax + cross entropy over float32 logits [rows, classes] and int32 targets, in f64 like the cpu reference:
// loss = logsumexp(x) - x[target], plus the probabilities backward needs. Returns -1, or the first row whose target
// is out of range (the caller raises the error).
export function softmaxCrossEntropyF32(logits: usize, targets: usize, losses: usize, probabilities: usize, rows: i32,
  classes: i32): i32 {
  for (let r = 0; r < rows; r++) {
    const x = logits + <usize>(r * classes) * 4, p = probabilities + <usize>(r * classes) * 4;
    let max: f64 = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, <f64>load<f32>(x + <usize>c * 4));
    let total: f64 = 0;
    for (let c = 0; c < classes; c++) total += Math.exp(<f64>load<f32>(x + <usize>c * 4) - max);
    for (let c = 0; c < classes; c++) store<f32>(p + <usize>c * 4, <f32>(Math.exp(<f64>load<f32>(x + <usize>c * 4) - max) / total));
    const target = load<i32>(targets + <usize>r * 4);
    if (target < 0 || target >= classes) return r;
    store<f32>(losses + <usize>r * 4, <f32>(Math.log(total) + max - <f64>load<f32>(x + <usize>target * 4)));
  }
  return -1;
}
