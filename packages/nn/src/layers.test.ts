import { registerCpuBackend } from '@lantern/backend-cpu';
import type { Tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d,
  type AnyModule,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  GELU,
  Identity,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from './index.js';
import { expectClose, type FixtureTensor, fromFixture, readFixture } from './test-support.js';

await registerCpuBackend();

interface Pass {
  input: FixtureTensor;
  output: FixtureTensor;
  gradOutput: FixtureTensor;
  gradInput: FixtureTensor;
  gradParameters: Record<string, FixtureTensor>;
}

interface LayerCase {
  name: string;
  train: boolean;
  stateBefore: Record<string, FixtureTensor>;
  passes: Pass[];
  stateAfter: Record<string, FixtureTensor>;
}

// Each case's layer, written as the generator writes it with torch.nn (scripts/generate_fixtures.py).
const builders: Record<string, () => AnyModule> = {
  linear: () => new Linear(5, 3),
  linear_no_bias_3d: () => new Linear(5, 3, { bias: false }),
  conv2d: () => new Conv2d(3, 4, 3),
  conv2d_stride2_pad1: () => new Conv2d(3, 4, 3, { stride: 2, padding: 1 }),
  conv2d_same_even_kernel_dilation: () => new Conv2d(2, 3, 4, { padding: 'same', dilation: 2 }),
  conv2d_groups_no_bias: () => new Conv2d(4, 6, 3, { groups: 2, bias: false }),
  conv2d_asymmetric: () => new Conv2d(2, 3, [3, 2], { stride: [2, 1], padding: [1, 0], dilation: [1, 2] }),
  conv2d_valid_5x5: () => new Conv2d(3, 2, 5, { padding: 'valid' }),
  maxpool2d: () => new MaxPool2d(2),
  maxpool2d_k3_s2_p1: () => new MaxPool2d(3, { stride: 2, padding: 1 }),
  maxpool2d_ceil: () => new MaxPool2d(3, { stride: 2, ceilMode: true }),
  maxpool2d_dilation: () => new MaxPool2d(2, { stride: 1, dilation: 2 }),
  maxpool2d_asymmetric: () => new MaxPool2d([2, 3], { stride: [1, 2] }),
  avgpool2d: () => new AvgPool2d(2),
  avgpool2d_pad_exclude: () => new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
  avgpool2d_ceil: () => new AvgPool2d(3, { stride: 2, ceilMode: true }),
  avgpool2d_divisor: () => new AvgPool2d(2, { divisorOverride: 3 }),
  adaptiveavgpool2d: () => new AdaptiveAvgPool2d([3, 2]),
  adaptiveavgpool2d_global: () => new AdaptiveAvgPool2d(1),
  adaptiveavgpool2d_none: () => new AdaptiveAvgPool2d([null, 2]),
  flatten: () => new Flatten(),
  flatten_0_2: () => new Flatten(0, 2),
  relu: () => new ReLU(),
  leakyrelu: () => new LeakyReLU(0.2),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  gelu: () => new GELU(),
  gelu_tanh: () => new GELU('tanh'),
  softmax: () => new Softmax(1),
  softmax_last_3d: () => new Softmax(-1),
  logsoftmax: () => new LogSoftmax(1),
  dropout_eval: () => new Dropout(0.3),
  identity: () => new Identity(),
  batchnorm1d: () => new BatchNorm1d(4),
  batchnorm1d_3d: () => new BatchNorm1d(4),
  batchnorm1d_cumulative: () => new BatchNorm1d(3, { momentum: null }),
  batchnorm1d_no_affine: () => new BatchNorm1d(3, { affine: false }),
  batchnorm2d: () => new BatchNorm2d(3),
  batchnorm2d_untracked_eval: () => new BatchNorm2d(3, { trackRunningStats: false }),
  batchnorm2d_eval: () => new BatchNorm2d(3),
  sequential: () =>
    new Sequential(
      new Conv2d(2, 4, 3, { padding: 1 }),
      new BatchNorm2d(4),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(16, 3),
    ),
};

const cases = readFixture<LayerCase[]>('layers.json');

function loadFixtureState(layer: Module<[Tensor]>, state: Record<string, FixtureTensor>): void {
  const dict = Object.fromEntries(
    Object.entries(state).map(([key, value]) => [
      key,
      fromFixture(value, { dtype: key.endsWith('num_batches_tracked') ? 'int32' : 'float32' }),
    ]),
  );
  // Strict: the keys PyTorch wrote must be exactly the layer's own.
  layer.loadStateDict(dict);
}

describe('layers match PyTorch (forward, input gradient, parameter gradients, state after)', () => {
  it('has a builder for every fixture case and a case for every builder', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(builders).sort());
  });

  for (const fixture of cases) {
    it(fixture.name, () => {
      const layer = builders[fixture.name]!() as Module<[Tensor]>;
      expect(Object.keys(layer.stateDict())).toEqual(Object.keys(fixture.stateBefore));
      loadFixtureState(layer, fixture.stateBefore);
      layer.train(fixture.train);
      fixture.passes.forEach((pass, index) => {
        const label = `${fixture.name} pass ${index}`;
        layer.zeroGrad();
        const input = fromFixture(pass.input, { requiresGrad: true });
        const output = layer(input);
        expectClose(output, pass.output, `${label} output`);
        output.mul(fromFixture(pass.gradOutput)).sum().backward();
        expectClose(input.grad, pass.gradInput, `${label} input gradient`);
        const parameters = Object.fromEntries(layer.namedParameters());
        expect(Object.keys(parameters)).toEqual(Object.keys(pass.gradParameters));
        for (const [key, grad] of Object.entries(pass.gradParameters))
          expectClose(parameters[key]!.grad, grad, `${label} ${key} gradient`, 1e-4);
      });
      const after = layer.stateDict();
      for (const [key, value] of Object.entries(fixture.stateAfter))
        expectClose(after[key], value, `${fixture.name} ${key} after`);
    });
  }
});
