import { createCpuBackend, registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  type AdamUpdateOptions,
  adamUpdate_,
  BackendMismatchError,
  DTypeError,
  getBackend,
  getFastKernel,
  InvalidArgumentError,
  isGradEnabled,
  registerBackend,
  registerFastKernel,
  type SgdUpdateOptions,
  ShapeError,
  sgdUpdate_,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '../index.js';

await registerCpuBackend();

// Two registrations of the cpu backend: one whose fused kernels count their calls, one without any (the composition).
const fused = 'cpu-optimizer-fused',
  composed = 'cpu-optimizer-composed';
const calls = { sgdUpdate: 0, adamUpdate: 0 };
registerBackend(createCpuBackend(fused));
registerBackend(createCpuBackend(composed));
for (const name of ['sgdUpdate', 'adamUpdate'] as const) {
  const original = getFastKernel(getBackend('cpu'), name)! as (...args: unknown[]) => void;
  registerFastKernel(fused, name, ((...args: unknown[]) => {
    calls[name] += 1;
    original(...args);
  }) as never);
}
const paths = [
  { path: 'the fused kernel', backend: fused },
  { path: 'the composition', backend: composed },
];

const parameterValues = [0.5, -1.25, 2, 0.75, -0.3, 1.5];
const gradientValues = [
  [0.1, -0.4, 0.25, 1.5, -0.05, 0.3],
  [-0.2, 0.6, 0.1, -1, 0.35, 0.3],
  [0.05, 0.2, -0.7, 0.4, 0.15, -0.9],
];
const float64 = (values: number[], backend: string, shape = [2, 3]) => tensor(values, { shape, dtype: 'float64', backend });

/** The documented SGD rule in plain float64 arithmetic. */
function sgdReference(options: Required<SgdUpdateOptions>): { param: number[]; buffer: number[] } {
  const param = [...parameterValues];
  let buffer: number[] | null = null;
  for (const gradient of gradientValues) {
    const next: number[] = [];
    param.forEach((value, i) => {
      let g = options.maximize ? -gradient[i]! : gradient[i]!;
      g += options.weightDecay * value;
      if (options.momentum !== 0) {
        next[i] = buffer === null ? g : options.momentum * buffer[i]! + (1 - options.dampening) * g;
        g = options.nesterov ? g + options.momentum * next[i]! : next[i]!;
      }
      param[i] = value - options.lr * g;
    });
    if (options.momentum !== 0) buffer = next;
  }
  return { param, buffer: buffer ?? [] };
}

/** The documented Adam/AdamW rule in plain float64 arithmetic. */
function adamReference(options: Required<Omit<AdamUpdateOptions, 'step'>>) {
  const param = [...parameterValues];
  const [m, v, vMax] = [0, 1, 2].map(() => param.map(() => 0)) as [number[], number[], number[]];
  const [beta1, beta2] = options.betas;
  gradientValues.forEach((gradient, index) => {
    const step = index + 1;
    param.forEach((value, i) => {
      let g = options.maximize ? -gradient[i]! : gradient[i]!;
      if (options.decoupledWeightDecay) value *= 1 - options.lr * options.weightDecay;
      else g += options.weightDecay * value;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      vMax[i] = Math.max(vMax[i]!, v[i]!);
      const second = options.amsgrad ? vMax[i]! : v[i]!;
      const denominator = Math.sqrt(second) / Math.sqrt(1 - beta2 ** step) + options.eps;
      param[i] = value - (options.lr / (1 - beta1 ** step)) * (m[i]! / denominator);
    });
  });
  return { param, m, v, vMax };
}

const expectValues = (actual: Tensor, expected: number[]) => {
  const values = Array.from(actual.dataSync());
  expect(values.length).toBe(expected.length);
  for (const [i, value] of values.entries()) expect(value).toBeCloseTo(expected[i]!, 12);
};

const sgdSettings: Required<SgdUpdateOptions>[] = [
  { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
  { lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.01, nesterov: false, maximize: false },
  { lr: 0.05, momentum: 0.8, dampening: 0, weightDecay: 0.1, nesterov: true, maximize: true },
];
const adamSettings: Required<Omit<AdamUpdateOptions, 'step'>>[] = [
  { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, amsgrad: false, maximize: false },
  { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, decoupledWeightDecay: false, amsgrad: true, maximize: true },
  { lr: 0.02, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.05, decoupledWeightDecay: true, amsgrad: true, maximize: false },
];

describe.each(paths)('sgdUpdate_ through $path', ({ backend }) => {
  it.each(sgdSettings)('follows torch.optim’s rule, first step included: %o', (options) => {
    const callsBefore = calls.sgdUpdate;
    const param = float64(parameterValues, backend);
    let buffer: Tensor | null = null;
    for (const gradient of gradientValues) buffer = sgdUpdate_(param, float64(gradient, backend), buffer, options);
    const expected = sgdReference(options);
    expectValues(param, expected.param);
    if (options.momentum === 0) expect(buffer).toBeNull();
    else expectValues(buffer!, expected.buffer);
    expect(calls.sgdUpdate - callsBefore).toBe(backend === fused ? gradientValues.length : 0);
  });
  it('starts the buffer as a copy of the gradient (no dampening), kept out of the enclosing tidy()', () => {
    const param = float64(parameterValues, backend);
    const gradient = float64(gradientValues[0]!, backend);
    const buffer = tidy(() => {
      sgdUpdate_(param, gradient, null, { lr: 0.1, momentum: 0.9, dampening: 0.5 }); // dropped on purpose
      return sgdUpdate_(param, gradient, null, { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    })!;
    expect(buffer.isDisposed).toBe(false);
    expect(buffer.storage).not.toBe(gradient.storage);
    expectValues(buffer, gradientValues[0]!);
    const given = float64(gradientValues[1]!, backend);
    expect(tidy(() => sgdUpdate_(param, gradient, given, { lr: 0.1 }))).toBe(given); // no momentum: untouched
    expect(given.isDisposed).toBe(false);
  });
});

describe.each(paths)('adamUpdate_ through $path', ({ backend }) => {
  it.each(adamSettings)('follows torch.optim’s rule (Adam, AdamW, AMSGrad, maximize): %o', (options) => {
    const callsBefore = calls.adamUpdate;
    const param = float64(parameterValues, backend);
    const [expAvg, expAvgSq, maxExpAvgSq] = [param.zerosLike(), param.zerosLike(), param.zerosLike()];
    for (const [index, gradient] of gradientValues.entries()) {
      adamUpdate_(param, float64(gradient, backend), expAvg, expAvgSq, maxExpAvgSq, { ...options, step: index + 1 });
    }
    const expected = adamReference(options);
    expectValues(param, expected.param);
    expectValues(expAvg, expected.m);
    expectValues(expAvgSq, expected.v);
    expectValues(maxExpAvgSq, options.amsgrad ? expected.vMax : [0, 0, 0, 0, 0, 0]); // untouched without amsgrad
    expect(calls.adamUpdate - callsBefore).toBe(backend === fused ? gradientValues.length : 0);
  });
});

describe.each(paths)('the optimizer ops on strided tensors, through $path', ({ backend }) => {
  it('update a transposed parameter and its state where they lie, reading a transposed gradient', () => {
    const transposed = () => float64(parameterValues, backend, [3, 2]).t(); // shape [2, 3], strides [1, 2]
    const gradient = float64(gradientValues[0]!, backend, [3, 2]).t();
    const [param, contiguousParam] = [transposed(), transposed().contiguous()];
    const buffer = sgdUpdate_(param, gradient, null, { lr: 0.1, momentum: 0.9 })!;
    const contiguousBuffer = sgdUpdate_(contiguousParam, gradient.contiguous(), null, { lr: 0.1, momentum: 0.9 })!;
    const state = () => [param.zerosLike().t().contiguous().t(), param.zerosLike()] as const;
    const [expAvg, expAvgSq] = state();
    const [contiguousExpAvg, contiguousExpAvgSq] = state();
    adamUpdate_(param, gradient, expAvg, expAvgSq, null, { lr: 0.01, step: 1 });
    adamUpdate_(contiguousParam, gradient.contiguous(), contiguousExpAvg, contiguousExpAvgSq, null, { lr: 0.01, step: 1 });
    expect(param.strides).toEqual([1, 2]);
    expect(param.toArray()).toEqual(contiguousParam.toArray());
    expect(buffer.toArray()).toEqual(contiguousBuffer.toArray());
    expect(expAvg.toArray()).toEqual(contiguousExpAvg.toArray());
  });
  it('never record autograd, even with grad mode on and a parameter that requires grad', () => {
    const param = float64(parameterValues, backend).requiresGrad_();
    sgdUpdate_(param, float64(gradientValues[0]!, backend), null, { lr: 0.1 });
    adamUpdate_(param, float64(gradientValues[0]!, backend), param.zerosLike(), param.zerosLike(), null, { lr: 0.1, step: 1 });
    expect(isGradEnabled()).toBe(true);
    expect(param.isLeaf).toBe(true);
    expect(param.requiresGrad).toBe(true);
  });
});

describe('the optimizer ops refuse operands that do not fit, naming the op and what is wrong', () => {
  const param = zeros([2, 3]);
  it('shapes, dtypes and backends', () => {
    expect(() => sgdUpdate_(param, zeros([3, 2]), null, { lr: 0.1 })).toThrow(
      new ShapeError('sgdUpdate_: grad has shape [3, 2], but param has shape [2, 3]'),
    );
    expect(() => sgdUpdate_(param, zeros([2, 3]), zeros([6]), { lr: 0.1, momentum: 0.9 })).toThrow(
      new ShapeError('sgdUpdate_: momentumBuffer has shape [6], but param has shape [2, 3]'),
    );
    expect(() => sgdUpdate_(tensor([1, 2]), tensor([1, 1]), null, { lr: 0.1 })).toThrow(
      new DTypeError('sgdUpdate_: param has dtype int32; only floating point parameters can be updated'),
    );
    const float64State = zeros([2, 3], { dtype: 'float64' });
    expect(() => adamUpdate_(param, param, float64State, param.zerosLike(), null, { lr: 0.1, step: 1 })).toThrow(
      new DTypeError('adamUpdate_: expAvg has dtype float64, but param has dtype float32'),
    );
    expect(() => sgdUpdate_(param, zeros([2, 3], { backend: composed }), null, { lr: 0.1 })).toThrow(BackendMismatchError);
    expect(() => sgdUpdate_(param, zeros([2, 3], { backend: composed }), null, { lr: 0.1 })).toThrow(
      /^sgdUpdate_: expected all tensors on backend 'cpu', but found one on 'cpu-optimizer-composed' \(the grad, shape \[2, 3\]\)/,
    );
  });
  it('Adam’s step count and the AMSGrad maximum', () => {
    const moments = () => [param.zerosLike(), param.zerosLike()] as const;
    expect(() => adamUpdate_(param, param, ...moments(), null, { lr: 0.1, step: 0 })).toThrow(
      new InvalidArgumentError('adamUpdate_: step is the count after this step (1 on the first), got 0'),
    );
    expect(() => adamUpdate_(param, param, ...moments(), null, { lr: 0.1, step: 1, amsgrad: true })).toThrow(
      InvalidArgumentError,
    );
  });
});
