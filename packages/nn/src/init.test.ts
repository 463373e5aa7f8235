import { createHash } from 'node:crypto';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { Generator, manualSeed, type Tensor, zeros } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { type AnyModule, Conv2d, init, Linear } from './index.js';
import { readFixture } from './test-support.js';

await registerCpuBackend();

interface Fingerprint {
  shape: number[];
  sha256: string;
  head: number[];
  sum: number;
}

interface InitFixtures {
  defaults: Array<{ name: string; seed: number; state: Record<string, Fingerprint> }>;
  functions: Array<{ name: string; shape: number[]; seed: number; values: number[] }>;
  gains: Record<string, number>;
}

const fixtures = readFixture<InitFixtures>('init.json');

function fingerprint(tensor: Tensor): Fingerprint {
  const values = tensor.dataSync() as Float32Array;
  return {
    shape: [...tensor.shape],
    sha256: createHash('sha256')
      .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
      .digest('hex'),
    head: [...values.subarray(0, 8)],
    sum: values.reduce((total, value) => total + value, 0),
  };
}

const layers: Record<string, () => AnyModule> = {
  linear: () => new Linear(20, 7),
  linear_large: () => new Linear(1024, 64),
  conv2d: () => new Conv2d(3, 8, 5),
  conv2d_groups: () => new Conv2d(4, 6, 3, { groups: 2 }),
  linear_no_bias: () => new Linear(9, 4, { bias: false }),
};

describe("default init gives PyTorch's exact initial weights for the same seed", () => {
  for (const { name, seed, state } of fixtures.defaults) {
    it(name, () => {
      manualSeed(seed);
      const layer = layers[name]!();
      const actual = Object.fromEntries(Object.entries(layer.stateDict()).map(([key, value]) => [key, fingerprint(value)]));
      // Compared bit for bit (SHA-256 of the float32 bytes); head and sum make a mismatch readable.
      expect(actual).toEqual(state);
    });
  }

  it('draws from a given generator instead of the default one', () => {
    const expected = fixtures.defaults.find((entry) => entry.name === 'conv2d')!;
    manualSeed(1); // the default generator is not used
    const layer = new Conv2d(3, 8, 5, { generator: new Generator(expected.seed) });
    expect(fingerprint(layer.stateDict().weight!)).toEqual(expected.state.weight);
  });
});

// Uniform draws are exact; normal draws go through log/cos/sin, which PyTorch's AVX2 path computes in float32.
const exact = new Set([
  'kaiming_uniform',
  'kaiming_uniform_fan_out_relu',
  'xavier_uniform',
  'xavier_uniform_gain',
  'uniform',
  'zeros',
  'ones',
]);
const functions: Record<string, (tensor: Tensor) => Tensor> = {
  kaiming_uniform: (t) => init.kaimingUniform(t),
  kaiming_uniform_fan_out_relu: (t) => init.kaimingUniform(t, { mode: 'fan_out', nonlinearity: 'relu' }),
  kaiming_normal: (t) => init.kaimingNormal(t),
  kaiming_normal_a: (t) => init.kaimingNormal(t, { a: 0.1, mode: 'fan_out' }),
  xavier_uniform: (t) => init.xavierUniform(t),
  xavier_uniform_gain: (t) => init.xavierUniform(t, { gain: init.calculateGain('tanh') }),
  xavier_normal: (t) => init.xavierNormal(t, { gain: 2.0 }),
  normal: (t) => init.normal(t, 0.5, 2.0),
  uniform: (t) => init.uniform(t, -3.0, 0.5),
  zeros: (t) => init.zeros(t),
  ones: (t) => init.ones(t),
};

describe('torch.nn.init functions', () => {
  for (const { name, shape, seed, values } of fixtures.functions) {
    it(`${name} ${JSON.stringify(shape)}`, () => {
      manualSeed(seed);
      const actual = [...functions[name]!(zeros(shape).fill_(7)).dataSync()];
      if (exact.has(name)) expect(actual).toEqual(values.map(Math.fround));
      else {
        for (const [i, value] of actual.entries()) {
          expect(Math.abs(value - values[i]!), `element ${i}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(values[i]!)));
        }
      }
    });
  }

  it('calculateGain matches torch.nn.init.calculate_gain', () => {
    for (const [name, gain] of Object.entries(fixtures.gains)) {
      const actual =
        name === 'leaky_relu_0.2' ? init.calculateGain('leaky_relu', 0.2) : init.calculateGain(name as init.Nonlinearity);
      expect(actual, name).toBe(gain);
    }
  });

  it('rejects tensors without fans and unknown modes with typed errors', () => {
    expect(() => init.kaimingUniform(zeros([5]))).toThrow(/fewer than 2 dimensions/);
    expect(() => init.xavierNormal(zeros([5]))).toThrow(/fewer than 2 dimensions/);
    expect(() => init.kaimingUniform(zeros([2, 2]), { mode: 'fan_avg' as init.FanMode })).toThrow(/fan_avg/);
  });

  it('does not record autograd history and works on parameters that require grad', () => {
    const layer = new Linear(3, 2);
    init.xavierUniform(layer.weight);
    expect(layer.weight.requiresGrad).toBe(true);
    expect(layer.weight.isLeaf).toBe(true);
  });
});
