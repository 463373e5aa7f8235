import { min32 } from './common';
import { Adam, Sgd } from './generated/bridge.gen';

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

/** torch.optim.SGD's step (arguments: Sgd in src/bridge/task-table.ts). */
export function sgdTask(chunk: i32, thread: i32, args: usize): void {
  const parameter = Sgd.parameter(args), grad = Sgd.grad(args), buffer = Sgd.momentumBuffer(args);
  const perChunk = Sgd.elementsPerChunk(args);
  const lr = Sgd.lr(args), momentum = Sgd.momentum(args), dampening = Sgd.dampening(args), weightDecay = Sgd.weightDecay(args);
  const maximize = Sgd.maximize(args), nesterov = Sgd.nesterov(args), firstStep = Sgd.firstStep(args);
  const first = chunk * perChunk, last = min32(Sgd.size(args), first + perChunk);
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

/** torch.optim.Adam's and AdamW's step (arguments: Adam in src/bridge/task-table.ts). */
export function adamTask(chunk: i32, thread: i32, args: usize): void {
  const parameter = Adam.parameter(args), grad = Adam.grad(args), expAvg = Adam.expAvg(args), expAvgSq = Adam.expAvgSq(args);
  const maxExpAvgSq = Adam.maxExpAvgSq(args), perChunk = Adam.elementsPerChunk(args);
  const lr = Adam.lr(args), beta1 = Adam.beta1(args), beta2 = Adam.beta2(args), eps = Adam.eps(args);
  const weightDecay = Adam.weightDecay(args), stepSize = Adam.stepSize(args), biasCorrection2Sqrt = Adam.biasCorrection2Sqrt(args);
  const maximize = Adam.maximize(args), decoupled = Adam.decoupledWeightDecay(args);
  const first = chunk * perChunk, last = min32(Adam.size(args), first + perChunk);
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
