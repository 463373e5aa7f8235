import { registerCpuBackend } from '@lantern/backend-cpu';
import {
  DTypeError,
  full,
  getBackend,
  getFastKernel,
  isContiguous,
  isGradEnabled,
  manualSeed,
  noGrad,
  randn,
  registerFastKernel,
  ShapeError,
  Tensor,
  tensor,
  tidy,
  unregisterFastKernel,
  zeros,
} from '@lantern/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Adagrad, Adam, AdamW, type Optimizer, OptimizerError, RMSprop, SGD, sgd } from './index.js';

await registerCpuBackend();

const cpu = getBackend('cpu');
const originalKernels = { sgdUpdate: getFastKernel(cpu, 'sgdUpdate')!, adamUpdate: getFastKernel(cpu, 'adamUpdate')! };

// Some tests unregister the fused kernels to force the composition; each test starts with the originals again.
afterEach(() => {
  unregisterFastKernel('cpu', 'sgdUpdate');
  unregisterFastKernel('cpu', 'adamUpdate');
  registerFastKernel('cpu', 'sgdUpdate', originalKernels.sgdUpdate);
  registerFastKernel('cpu', 'adamUpdate', originalKernels.adamUpdate);
});

const leaf = (values: number[]) => tensor(values, { dtype: 'float32' }).requiresGrad_();

describe('parameter groups', () => {
  it('merges the defaults into each group, keeping what the group sets', () => {
    const [a, b] = [leaf([1]), leaf([2])];
    const optimizer = new SGD([{ params: [a] }, { params: b, lr: 0.01, nesterov: true, momentum: 0.5 }], {
      lr: 0.1,
      momentum: 0.9,
    });
    expect(optimizer.paramGroups.map(({ params, ...options }) => [params, options])).toEqual([
      [[a], { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }],
      [[b], { lr: 0.01, momentum: 0.5, dampening: 0, weightDecay: 0, nesterov: true, maximize: false }],
    ]);
  });

  it('adds groups later and refuses a parameter twice, sets, non-leaves and bare tensors', () => {
    const [a, b] = [leaf([1]), leaf([2])];
    const optimizer = new Adam([a], { lr: 0.5 });
    optimizer.addParamGroup({ params: [b], betas: [0.5, 0.6] });
    expect(optimizer.paramGroups[1]).toMatchObject({ lr: 0.5, betas: [0.5, 0.6], eps: 1e-8 });
    expect(() => optimizer.addParamGroup({ params: [a] })).toThrow(
      'Adam: some parameters appear in more than one parameter group',
    );
    expect(() => optimizer.addParamGroup({ params: new Set([leaf([3])]) })).toThrow(/ordered collections/);
    expect(() => optimizer.addParamGroup({ params: [a.mul(2)] })).toThrow("Adam: can't optimize a non-leaf Tensor");
    expect(() => new Adam(a as never)).toThrow(OptimizerError);
  });

  it('warns about duplicates inside one group, as torch does', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const a = leaf([1]);
    new SGD([a, a], { lr: 0.1 });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('duplicate parameters'));
    warn.mockRestore();
  });

  it('gives groups added to Adagrad later their initial state', () => {
    const [a, b] = [leaf([1]), leaf([2, 3])];
    const optimizer = new Adagrad([a], { initialAccumulatorValue: 0.25 });
    optimizer.addParamGroup({ params: [b], initialAccumulatorValue: 2 });
    expect((optimizer.state.get(b)!.sum as Tensor).toArray()).toEqual([2, 2]);
    expect(optimizer.state.get(a)!.step).toBe(0);
  });
});

describe('zeroGrad and step', () => {
  it('sets gradients to null by default, or zeroes them in place', () => {
    const a = leaf([1, 2]);
    a.grad = tensor([3, 4]);
    const optimizer = new SGD([a], { lr: 0.1 });
    const grad = a.grad;
    optimizer.zeroGrad(false);
    expect(a.grad).toBe(grad);
    expect(grad.toArray()).toEqual([0, 0]);
    optimizer.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('skips parameters without a gradient, creating no state for them', () => {
    const [a, b] = [leaf([1]), leaf([1])];
    const optimizer = new Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1]);
    optimizer.step();
    expect(b.toArray()).toEqual([1]);
    expect(optimizer.state.has(b)).toBe(false);
    expect(a.dataSync()[0]).toBeCloseTo(0.9, 6); // Adam's first step moves by lr·sign(g)
  });

  it('evaluates the closure with grad enabled, even inside noGrad, and returns its loss', () => {
    const weight = leaf([2]);
    const optimizer = new SGD([weight], { lr: 0.25 });
    const closure = () => {
      expect(isGradEnabled()).toBe(true);
      optimizer.zeroGrad();
      const loss = weight.mul(weight).sum(); // d/dw w² = 2w = 4
      loss.backward();
      return loss.item();
    };
    expect(noGrad(() => optimizer.step(closure))).toBe(4);
    expect(weight.toArray()).toEqual([1]);
  });

  it('keeps optimizer state alive when step() runs inside tidy()', () => {
    for (const optimizer of [
      new SGD([leaf([1, 2])], { lr: 0.1, momentum: 0.9 }),
      new AdamW([leaf([1, 2])]),
      new RMSprop([leaf([1, 2])], { centered: true, momentum: 0.5 }),
    ]) {
      const param = optimizer.paramGroups[0]!.params[0]!;
      for (let step = 0; step < 2; step++) {
        tidy(() => {
          param.grad = tensor([0.5, -1]);
          optimizer.step();
        });
      }
      for (const value of Object.values(optimizer.state.get(param)!)) {
        if (value instanceof Tensor) expect(value.isDisposed).toBe(false);
        if (value instanceof Tensor) expect(() => value.dataSync()).not.toThrow();
      }
    }
  });
});

describe('in-place updates of strided parameters and gradients', () => {
  /** Trains a transposed (non-contiguous) view and, separately, a contiguous copy of it with the same gradients. */
  function compareStridedWithContiguous(create: (params: Tensor[]) => Optimizer) {
    manualSeed(7);
    const base = randn([4, 3]);
    const strided = base.t().detach().requiresGrad_();
    const contiguous = strided.contiguous().detach().requiresGrad_();
    expect(isContiguous(strided.shape, strided.strides)).toBe(false);
    const [first, second] = [create([strided]), create([contiguous])];
    for (let step = 0; step < 4; step++) {
      const grad = randn([3, 4]);
      strided.grad = full([1, 4], 0.25 * step)
        .expand([3, 4])
        .add(grad.t().contiguous().t()); // a strided gradient
      contiguous.grad = strided.grad.contiguous();
      first.step();
      second.step();
    }
    expect(strided.toArray()).toEqual(contiguous.toArray());
    // The update landed in the storage the view shares with `base`.
    expect(base.t().toArray()).toEqual(contiguous.toArray());
  }

  for (const fused of [true, false]) {
    it(`SGD and Adam update a transposed parameter in place (${fused ? 'fused kernels' : 'composition'})`, () => {
      if (!fused) {
        unregisterFastKernel('cpu', 'sgdUpdate');
        unregisterFastKernel('cpu', 'adamUpdate');
      }
      compareStridedWithContiguous((params) => new SGD(params, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }));
      compareStridedWithContiguous((params) => new Adam(params, { lr: 0.1, amsgrad: true, weightDecay: 0.01 }));
    });
  }
  it('RMSprop and Adagrad update a transposed parameter in place', () => {
    compareStridedWithContiguous((params) => new RMSprop(params, { centered: true, momentum: 0.9 }));
    compareStridedWithContiguous((params) => new Adagrad(params, { lrDecay: 0.1 }));
  });
});

describe('the functional rules', () => {
  it('sgd creates the momentum buffer on the first step and stores it in the list', () => {
    for (const fused of [true, false]) {
      if (!fused) unregisterFastKernel('cpu', 'sgdUpdate');
      const param = tensor([1, 1], { dtype: 'float32' });
      const grad = tensor([2, -2], { dtype: 'float32' });
      const buffers: (Tensor | null)[] = [null];
      const options = { lr: 0.5, momentum: 0.9, dampening: 0.5, weightDecay: 0, nesterov: false, maximize: false };
      sgd([param], [grad], buffers, options);
      expect(buffers[0]!.toArray()).toEqual([2, -2]); // the first step copies the gradient: no dampening
      expect(param.toArray()).toEqual([0, 2]);
      sgd([param], [grad], buffers, options);
      expect(buffers[0]!.toArray()).toEqual([2.8, -2.8].map(Math.fround)); // 0.9·2 + 0.5·2
      expect(param.toArray()).toEqual([
        Math.fround(0 - Math.fround(0.5 * Math.fround(2.8))),
        Math.fround(2 + Math.fround(0.5 * Math.fround(2.8))),
      ]);
    }
  });

  it('names the op and the shapes when a list does not fit its parameters', () => {
    const options = { lr: 0.5, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
    expect(() => sgd([zeros([2, 3])], [zeros([3, 2])], [null], options)).toThrow(
      new ShapeError('sgd: grads[0] has shape [3, 2], but its parameter has shape [2, 3]'),
    );
    expect(() => sgd([zeros([2])], [], [], options)).toThrow(
      new OptimizerError('sgd: expected one entry of grads per parameter (1), got 0'),
    );
    expect(() => sgd([tensor([1, 2])], [tensor([1, 1])], [null], options)).toThrow(
      new DTypeError('sgd: params[0] has dtype int32; only floating point parameters can be optimized'),
    );
  });
});
