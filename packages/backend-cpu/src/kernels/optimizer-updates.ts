import type { AdamAttributes, SgdAttributes, TensorView, TypedArray } from '@lantern/tensor';

// Float32 parameters are updated with a rounding after each elementary step, the order torch.optim uses, so the
// fused update matches PyTorch's sequence of tensor ops bit for bit where it can.
const roundFor = (array: TypedArray) => (array instanceof Float32Array ? Math.fround : (value: number) => value);

/** torch.optim.SGD's rule for one parameter, in place. */
export function sgdUpdate(
  parameter: TensorView<TypedArray>,
  grad: TensorView<TypedArray>,
  momentumBuffer: TensorView<TypedArray> | null,
  a: SgdAttributes,
): void {
  const p = parameter.handle,
    g = grad.handle,
    buffer = momentumBuffer?.handle;
  const r = roundFor(p);
  const size = parameter.shape.reduce((x, y) => x * y, 1);
  for (let i = 0; i < size; i++) {
    const value = p[parameter.offset + i]!;
    let d = a.maximize ? -g[grad.offset + i]! : g[grad.offset + i]!;
    if (a.weightDecay !== 0) d = r(d + r(a.weightDecay * value));
    if (buffer && a.momentum !== 0) {
      const at = momentumBuffer!.offset + i;
      const b = a.firstStep ? d : r(r(buffer[at]! * a.momentum) + r((1 - a.dampening) * d));
      buffer[at] = b;
      d = a.nesterov ? r(d + r(a.momentum * b)) : b;
    }
    p[parameter.offset + i] = value - r(a.lr * d);
  }
}

/** torch.optim.Adam / AdamW's rule for one parameter, in place. */
export function adamUpdate(
  parameter: TensorView<TypedArray>,
  grad: TensorView<TypedArray>,
  expAvg: TensorView<TypedArray>,
  expAvgSq: TensorView<TypedArray>,
  maxExpAvgSq: TensorView<TypedArray> | null,
  a: AdamAttributes,
): void {
  const p = parameter.handle,
    g = grad.handle,
    m = expAvg.handle,
    v = expAvgSq.handle,
    vMax = maxExpAvgSq?.handle;
  const r = roundFor(p);
  const size = parameter.shape.reduce((x, y) => x * y, 1);
  const biasCorrection1 = 1 - a.beta1 ** a.step;
  const biasCorrection2Sqrt = Math.sqrt(1 - a.beta2 ** a.step);
  const stepSize = a.lr / biasCorrection1;
  for (let i = 0; i < size; i++) {
    let value = p[parameter.offset + i]!;
    let d = a.maximize ? -g[grad.offset + i]! : g[grad.offset + i]!;
    if (a.weightDecay !== 0) {
      if (a.decoupledWeightDecay) value = r(value * (1 - a.lr * a.weightDecay));
      else d = r(d + r(a.weightDecay * value));
    }
    const mi = r(r(m[expAvg.offset + i]! * a.beta1) + r(d * (1 - a.beta1)));
    const vi = r(r(v[expAvgSq.offset + i]! * a.beta2) + r(r(d * d) * (1 - a.beta2)));
    m[expAvg.offset + i] = mi;
    v[expAvgSq.offset + i] = vi;
    let second = vi;
    if (vMax) {
      second = Math.max(vMax[maxExpAvgSq!.offset + i]!, vi);
      vMax[maxExpAvgSq!.offset + i] = second;
    }
    const denominator = r(r(r(Math.sqrt(second)) / biasCorrection2Sqrt) + a.eps);
    p[parameter.offset + i] = value + r(-stepSize * r(mi / denominator));
  }
}
