import { address, int, min32, real } from './args';

// Fused optimizer steps on float32 parameters, the same rule and the same rounding points as the cpu reference
// (packages/backend-cpu/src/kernels/optimizer-updates.ts, which follows torch.optim's sequence of tensor ops):
// every elementary step is computed in f64 and rounded to f32, so results agree with the cpu backend bit for bit.
// One chunk = a run of elements.

@inline function round(value: f64): f64 {
  return <f64><f32>value;
}

@inline function round2(value: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(value));
}

// Slots: 0 parameter, 1 grad, 2 momentum buffer (0: none), 3 size, 4 per chunk, 5 flags (1 maximize, 2 nesterov,
// 4 first step); reals: 0 lr, 1 momentum, 2 dampening, 3 weight decay.
export function sgdTask(chunk: i32, thread: i32, args: usize): void {
  const parameter = address(args, 0), grad = address(args, 1), buffer = address(args, 2);
  const perChunk = int(args, 4), flags = int(args, 5);
  const lr = real(args, 0), momentum = real(args, 1), dampening = real(args, 2), weightDecay = real(args, 3);
  const maximize = (flags & 1) != 0, nesterov = (flags & 2) != 0, firstStep = (flags & 4) != 0;
  const first = chunk * perChunk, last = min32(int(args, 3), first + perChunk);
  let i = first;
  if ((buffer == 0 || momentum == 0) && !maximize && weightDecay == 0) {
    // Plain SGD, four elements per step: the product lr·d is rounded to f32 from f64, as the scalar rule does; the
    // subtraction of two f32 values is exact in f64, so rounding it once is f32 subtraction.
    const rate = f64x2.splat(lr);
    for (; i + 4 <= last; i += 4) {
      const offset = <usize>i << 2;
      const d = v128.load(grad + offset);
      const low = f32x4.demote_f64x2_zero(f64x2.mul(rate, f64x2.promote_low_f32x4(d)));
      const high = f32x4.demote_f64x2_zero(f64x2.mul(rate, f64x2.promote_low_f32x4(v128.shuffle<u32>(d, d, 2, 3, 2, 3))));
      const step = v128.shuffle<u32>(low, high, 0, 1, 4, 5);
      v128.store(parameter + offset, f32x4.sub(v128.load(parameter + offset), step));
    }
  }
  if (buffer == 0 || momentum == 0) {
    // Two elements per step in f64x2 lanes, rounding to f32 exactly where the scalar rule does.
    const rate = f64x2.splat(lr), decay = f64x2.splat(weightDecay);
    for (; i + 2 <= last; i += 2) {
      const offset = <usize>i << 2;
      const value = f64x2.promote_low_f32x4(v128.load64_zero(parameter + offset));
      let d = f64x2.promote_low_f32x4(v128.load64_zero(grad + offset));
      if (maximize) d = f64x2.neg(d);
      if (weightDecay != 0) d = round2(f64x2.add(d, round2(f64x2.mul(decay, value))));
      const updated = f32x4.demote_f64x2_zero(f64x2.sub(value, round2(f64x2.mul(rate, d))));
      v128.store64_lane(parameter + offset, updated, 0);
    }
  }
  for (; i < last; i++) {
    const offset = <usize>i << 2;
    const value = <f64>load<f32>(parameter + offset);
    let d = <f64>load<f32>(grad + offset);
    if (maximize) d = -d;
    if (weightDecay != 0) d = round(d + round(weightDecay * value));
    if (buffer != 0 && momentum != 0) {
      const b = firstStep ? d : round(round(<f64>load<f32>(buffer + offset) * momentum) + round((1 - dampening) * d));
      store<f32>(buffer + offset, <f32>b);
      d = nesterov ? round(d + round(momentum * b)) : b;
    }
    store<f32>(parameter + offset, <f32>(value - round(lr * d)));
  }
}

// Slots: 0 parameter, 1 grad, 2 exp_avg, 3 exp_avg_sq, 4 max_exp_avg_sq (0: none), 5 size, 6 per chunk, 7 flags
// (1 maximize, 2 decoupled weight decay); reals: 0 lr, 1 beta1, 2 beta2, 3 eps, 4 weight decay, 5 step size
// (lr / bias correction 1), 6 sqrt of bias correction 2.
export function adamTask(chunk: i32, thread: i32, args: usize): void {
  const parameter = address(args, 0), grad = address(args, 1), expAvg = address(args, 2), expAvgSq = address(args, 3);
  const maxExpAvgSq = address(args, 4), perChunk = int(args, 6), flags = int(args, 7);
  const lr = real(args, 0), beta1 = real(args, 1), beta2 = real(args, 2), eps = real(args, 3), weightDecay = real(args, 4);
  const stepSize = real(args, 5), biasCorrection2Sqrt = real(args, 6);
  const maximize = (flags & 1) != 0, decoupled = (flags & 2) != 0;
  const first = chunk * perChunk, last = min32(int(args, 5), first + perChunk);
  for (let i = first; i < last; i++) {
    const offset = <usize>i << 2;
    let value = <f64>load<f32>(parameter + offset);
    let d = <f64>load<f32>(grad + offset);
    if (maximize) d = -d;
    if (weightDecay != 0) {
      if (decoupled) value = round(value * (1 - lr * weightDecay));
      else d = round(d + round(weightDecay * value));
    }
    const m = round(round(<f64>load<f32>(expAvg + offset) * beta1) + round(d * (1 - beta1)));
    const v = round(round(<f64>load<f32>(expAvgSq + offset) * beta2) + round(round(d * d) * (1 - beta2)));
    store<f32>(expAvg + offset, <f32>m);
    store<f32>(expAvgSq + offset, <f32>v);
    let second = v;
    if (maxExpAvgSq != 0) {
      second = Math.max(<f64>load<f32>(maxExpAvgSq + offset), v);
      store<f32>(maxExpAvgSq + offset, <f32>second);
    }
    const denominator = round(round(round(Math.sqrt(second)) / biasCorrection2Sqrt) + eps);
    store<f32>(parameter + offset, <f32>(value + round(-stepSize * round(m / denominator))));
  }
}
