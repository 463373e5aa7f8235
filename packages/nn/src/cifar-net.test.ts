import { registerCpuBackend } from '@lantern/backend-cpu';
import { manualSeed, softmaxCrossEntropy, type Tensor, tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  decodeSafetensors,
  Flatten,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
} from './index.js';
import { expectClose, type FixtureTensor, fromFixture, readFixture, readFixtureBytes } from './test-support.js';

await registerCpuBackend();

/** The course's CIFAR-10 CNN, written as in PyTorch. */
class Net extends Module {
  model1 = new Sequential(
    new Conv2d(3, 32, 5, { padding: 2 }),
    new MaxPool2d(2),
    new Conv2d(32, 32, 5, { padding: 2 }),
    new MaxPool2d(2),
    new Conv2d(32, 64, 5, { padding: 2 }),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(1024, 64),
    new Linear(64, 10),
  );

  forward(x: Tensor): Tensor {
    return this.model1(x);
  }
}

class BatchNormNet extends Module {
  features = new Sequential(new Conv2d(3, 8, 3, { padding: 1 }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2));
  classifier = new Sequential(new Flatten(), new Linear(8 * 4 * 4, 16), new BatchNorm1d(16), new ReLU(), new Linear(16, 5));

  forward(x: Tensor): Tensor {
    return this.classifier(this.features(x));
  }
}

interface Fingerprint {
  shape: number[];
  sha256: string;
  head: number[];
  sum: number;
}
interface CifarFixture {
  seed: number;
  keys: string[];
  repr: string;
  input: FixtureTensor;
  output: FixtureTensor;
  target: number[];
  loss: number;
  initialState: Record<string, Fingerprint>;
  gradients: Record<string, { shape: number[]; norm: number; sum: number; head: number[] }>;
}

const cifar = readFixture<CifarFixture>('cifar-net.json');

describe("the course's CIFAR CNN", () => {
  it("has PyTorch's state-dict keys, in PyTorch's order, with PyTorch's layouts", () => {
    const net = new Net();
    const state = net.stateDict();
    expect(Object.keys(state)).toEqual([
      'model1.0.weight',
      'model1.0.bias',
      'model1.2.weight',
      'model1.2.bias',
      'model1.4.weight',
      'model1.4.bias',
      'model1.7.weight',
      'model1.7.bias',
      'model1.8.weight',
      'model1.8.bias',
    ]);
    expect(Object.keys(state)).toEqual(cifar.keys);
    for (const [key, { shape }] of Object.entries(cifar.initialState)) expect([...state[key]!.shape], key).toEqual(shape);
    expect(net.parameters().reduce((total, parameter) => total + parameter.size, 0)).toBe(145578);
  });

  it('prints as PyTorch prints it', () => {
    expect(String(new Net())).toBe(cifar.repr);
  });

  it("starts from PyTorch's initial weights for the same seed", () => {
    manualSeed(cifar.seed);
    const { tensors } = decodeSafetensors(readFixtureBytes('cifar-net.safetensors'));
    const net = new Net();
    for (const [key, value] of Object.entries(net.stateDict())) {
      expect([...value.dataSync()], key).toEqual([...tensors[key]!.dataSync()]);
    }
  });

  it('loads the state dict PyTorch saved as safetensors and gives its outputs, loss and gradients', () => {
    const net = new Net();
    const { tensors, metadata } = decodeSafetensors(readFixtureBytes('cifar-net.safetensors'));
    expect(metadata).toEqual({ format: 'pt' });
    expect(net.loadStateDict(tensors)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const output = net(fromFixture(cifar.input));
    expectClose(output, cifar.output, 'output');
    const loss = softmaxCrossEntropy(output, tensor(cifar.target, { dtype: 'int32' })).mean();
    expect(loss.item()).toBeCloseTo(cifar.loss, 5);
    loss.backward();
    for (const [key, parameter] of net.namedParameters()) {
      const expected = cifar.gradients[key]!;
      const grad = parameter.grad!.dataSync();
      const norm = Math.sqrt(Array.from(grad).reduce((total, value) => total + value * value, 0));
      expect(norm / expected.norm, `${key} gradient norm`).toBeCloseTo(1, 4);
      expectClose(
        parameter.grad!.reshape([-1]).slice(0, 0, 16),
        { shape: [expected.head.length], data: expected.head },
        `${key} gradient head`,
        1e-6,
        1e-3,
      );
    }
  });
});

interface BatchNormFixture {
  keys: string[];
  repr: string;
  dtypes: Record<string, string>;
  input: FixtureTensor;
  evalOutput: FixtureTensor;
}

describe('a conv/batch-norm/linear model trained in PyTorch', () => {
  const fixture = readFixture<BatchNormFixture>('batchnorm-net.json');

  it('has the same keys (running statistics and num_batches_tracked as buffers) and printout', () => {
    const net = new BatchNormNet();
    expect(Object.keys(net.stateDict())).toEqual(fixture.keys);
    expect(String(net)).toBe(fixture.repr);
  });

  it('loads its safetensors file (int64 counters included) and reproduces its eval outputs', () => {
    const net = new BatchNormNet();
    const { tensors } = decodeSafetensors(readFixtureBytes('batchnorm-net.safetensors'));
    net.loadStateDict(tensors);
    expect(net.stateDict()['features.1.num_batches_tracked']!.item()).toBe(3);
    net.eval();
    expectClose(net(fromFixture(fixture.input)), fixture.evalOutput, 'eval output');
  });
});
