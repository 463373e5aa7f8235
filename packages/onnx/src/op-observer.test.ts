import { registerCpuBackend } from '@lantern/backend-cpu';
import { batchNorm, Conv2d, dropout } from '@lantern/nn';
import {
  conv2d,
  InvalidArgumentError,
  linear,
  type ObservedOp,
  observingOps,
  ones,
  randn,
  softmax,
  Tensor,
  withOpObserver,
  zeros,
} from '@lantern/tensor';
import { describe, expect, it } from 'vitest';

await registerCpuBackend();

// withOpObserver lives in @lantern/tensor (src/trace.ts); the exporter is what it is for, so its tests sit here.
function observe<T>(fn: () => T): { ops: ObservedOp[]; result: T } {
  const ops: ObservedOp[] = [];
  const result = withOpObserver((op) => ops.push(op), fn);
  return { ops, result };
}

describe('withOpObserver', () => {
  it('reports the outermost ops only, in call order, with the tensor a method was called on first', () => {
    const x = randn([2, 3]);
    const { ops, result } = observe(() => x.mul(2).softmax(1));
    expect(ops.map((op) => op.name)).toEqual(['mul', 'softmax']);
    expect(ops[0]!).toMatchObject({ calledAs: 'method', inputs: [x, 2] });
    expect(ops[1]!.inputs[0]).toBe(ops[0]!.output);
    expect(ops[1]!.output).toBe(result);
  });

  it('reports core functions and nn functional ops under the names users call, with their arguments', () => {
    const x = randn([1, 2, 5, 5]);
    const layer = new Conv2d(2, 3, 3, { padding: 1 });
    const mean = zeros([3]),
      variance = ones([3]);
    const { ops } = observe(() => {
      const y = batchNorm(layer(x), { runningMean: mean, runningVar: variance });
      return linear(softmax(dropout(y, 0.5, false), 1).flatten(1), randn([4, 75]));
    });
    expect(ops.map((op) => op.name)).toEqual(['conv2d', 'batchNorm', 'dropout', 'softmax', 'flatten', 'linear']);
    expect(ops[0]!.calledAs).toBe('function');
    expect(ops[0]!.inputs.slice(0, 3)).toEqual([x, layer.weight, layer.bias]);
    expect(ops[1]!.inputs[1]).toMatchObject({ runningMean: mean, runningVar: variance });
    expect(ops[2]!.inputs).toEqual([ops[1]!.output, 0.5, false, undefined]);
  });

  it('costs nothing when nobody observes: the methods on Tensor.prototype are the installed ones again', () => {
    const relu = Tensor.prototype.relu;
    const reshape = Tensor.prototype.reshape;
    observe(() => randn([2]).relu());
    expect(Tensor.prototype.relu).toBe(relu);
    expect(Tensor.prototype.reshape).toBe(reshape);
    expect(observingOps).toBe(false);
    expect(() =>
      withOpObserver(
        () => {},
        () => conv2d(randn([1, 1, 2, 2]), randn([1, 2, 1, 1])),
      ),
    ).toThrow(/conv2d/);
    expect(Tensor.prototype.relu).toBe(relu);
    expect(observingOps).toBe(false);
  });

  it('refuses to nest and refuses asynchronous functions', () => {
    expect(() => observe(() => observe(() => 1))).toThrow(InvalidArgumentError);
    expect(() =>
      withOpObserver(
        () => {},
        async () => 1,
      ),
    ).toThrow(/synchronous/);
    expect(observe(() => randn([1]).neg()).ops).toHaveLength(1);
  });
});
