import { type AdamAttributes, DTypeError, type SgdAttributes } from '@lantern/tensor';
import { floatBits, type GpuView } from '../layout.js';
import { elementwiseWorkgroupSize, type KernelRuntime, workgroupsFor } from '../runtime.js';
import { declareBindings, entryPoint, floatHelpers } from '../wgsl/common.js';

// The rules are the cpu backend's (kernels/optimizer-updates.ts), which follow torch.optim's functional sgd/adam step
// by step; f32 arithmetic rounds after each step here as Math.fround does there. Host-side constants (bias
// corrections, 1 - beta) are computed in double precision once per step, as PyTorch computes them in Python.

function assertFloat32(runtime: KernelRuntime, op: string, views: ReadonlyArray<GpuView | null>): void {
  for (const view of views) {
    if (view && view.dtype !== 'float32')
      throw new DTypeError(`${op}: backend '${runtime.backendName}' updates float32 parameters only, got ${view.dtype}`);
  }
}

/** torch.optim.SGD's step for one parameter, in place; one invocation per element. */
export function sgdUpdate(runtime: KernelRuntime) {
  return (parameter: GpuView, grad: GpuView, momentumBuffer: GpuView | null, a: SgdAttributes): void => {
    assertFloat32(runtime, 'sgdUpdate', [parameter, grad, momentumBuffer]);
    const count = parameter.shape.reduce((x, y) => x * y, 1);
    const momentum = momentumBuffer !== null && a.momentum !== 0;
    const pipeline = runtime.gpu.pipeline(
      `sgdUpdate${momentum ? ':momentum' : ''}`,
      () => `${declareBindings([
        { name: 'parameter', type: 'f32', writable: true },
        { name: 'grad', type: 'f32', writable: false },
        ...(momentum ? [{ name: 'buffer', type: 'f32', writable: true }] : []),
      ])}
${floatHelpers}
${entryPoint(elementwiseWorkgroupSize)}
  if (index >= u32(params[0])) { return; }
  let i = i32(index);
  let flags = params[8];
  let value = parameter[params[1] + i];
  var d = grad[params[2] + i];
  if ((flags & 2) != 0) { d = -d; }
  let weightDecay = paramFloat(7u);
  if (weightDecay != 0.0) { d = d + weightDecay * value; }
${
  momentum
    ? `  var b = d;
  if ((flags & 4) == 0) { b = buffer[params[3] + i] * paramFloat(5u) + paramFloat(6u) * d; }
  buffer[params[3] + i] = b;
  d = select(b, d + paramFloat(5u) * b, (flags & 1) != 0);`
    : ''
}
  parameter[params[1] + i] = value - paramFloat(4u) * d;
}`,
    );
    const flags = (a.nesterov ? 1 : 0) | (a.maximize ? 2 : 0) | (a.firstStep ? 4 : 0);
    const words = [
      count,
      parameter.offset,
      grad.offset,
      momentumBuffer?.offset ?? 0,
      floatBits(a.lr),
      floatBits(a.momentum),
      floatBits(1 - a.dampening),
      floatBits(a.weightDecay),
      flags,
    ];
    const bindings = [
      runtime.output(parameter, false),
      runtime.input(grad),
      ...(momentum ? [runtime.output(momentumBuffer!, false)] : []),
    ];
    runtime.gpu.dispatch(pipeline, bindings, Int32Array.from(words), workgroupsFor(count));
  };
}

/** torch.optim.Adam / AdamW's step for one parameter, in place; one invocation per element. */
export function adamUpdate(runtime: KernelRuntime) {
  return (
    parameter: GpuView,
    grad: GpuView,
    expAvg: GpuView,
    expAvgSq: GpuView,
    maxExpAvgSq: GpuView | null,
    a: AdamAttributes,
  ): void => {
    assertFloat32(runtime, 'adamUpdate', [parameter, grad, expAvg, expAvgSq, maxExpAvgSq]);
    const count = parameter.shape.reduce((x, y) => x * y, 1);
    const amsgrad = maxExpAvgSq !== null;
    const pipeline = runtime.gpu.pipeline(
      `adamUpdate${amsgrad ? ':amsgrad' : ''}`,
      () => `${declareBindings([
        { name: 'parameter', type: 'f32', writable: true },
        { name: 'grad', type: 'f32', writable: false },
        { name: 'expAvg', type: 'f32', writable: true },
        { name: 'expAvgSq', type: 'f32', writable: true },
        ...(amsgrad ? [{ name: 'maxExpAvgSq', type: 'f32', writable: true }] : []),
      ])}
${floatHelpers}
${entryPoint(elementwiseWorkgroupSize)}
  if (index >= u32(params[0])) { return; }
  let i = i32(index);
  let flags = params[16];
  var value = parameter[params[1] + i];
  var d = grad[params[2] + i];
  if ((flags & 4) != 0) { d = -d; }
  let weightDecay = paramFloat(10u);
  if (weightDecay != 0.0) {
    if ((flags & 1) != 0) { value = value * paramFloat(15u); } else { d = d + weightDecay * value; }
  }
  let m = expAvg[params[3] + i] * paramFloat(7u) + d * paramFloat(11u);
  let v = expAvgSq[params[4] + i] * paramFloat(8u) + (d * d) * paramFloat(12u);
  expAvg[params[3] + i] = m;
  expAvgSq[params[4] + i] = v;
  var second = v;
${
  amsgrad
    ? `  second = floatMaximum(maxExpAvgSq[params[5] + i], v);
  maxExpAvgSq[params[5] + i] = second;`
    : ''
}
  let denominator = safeSqrt(second) / paramFloat(14u) + paramFloat(9u);
  parameter[params[1] + i] = value + (-paramFloat(13u)) * (m / denominator);
}`,
    );
    const flags = (a.decoupledWeightDecay ? 1 : 0) | (a.amsgrad ? 2 : 0) | (a.maximize ? 4 : 0);
    const stepSize = a.lr / (1 - a.beta1 ** a.step);
    const words = [
      count,
      parameter.offset,
      grad.offset,
      expAvg.offset,
      expAvgSq.offset,
      maxExpAvgSq?.offset ?? 0,
      floatBits(a.lr),
      floatBits(a.beta1),
      floatBits(a.beta2),
      floatBits(a.eps),
      floatBits(a.weightDecay),
      floatBits(1 - a.beta1),
      floatBits(1 - a.beta2),
      floatBits(stepSize),
      floatBits(Math.sqrt(1 - a.beta2 ** a.step)),
      floatBits(1 - a.lr * a.weightDecay),
      flags,
    ];
    const bindings = [
      runtime.output(parameter, false),
      runtime.input(grad),
      runtime.output(expAvg, false),
      runtime.output(expAvgSq, false),
      ...(amsgrad ? [runtime.output(maxExpAvgSq!, false)] : []),
    ];
    runtime.gpu.dispatch(pipeline, bindings, Int32Array.from(words), workgroupsFor(count));
  };
}
