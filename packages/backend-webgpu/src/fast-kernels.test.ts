import { registerCpuBackend } from '@lantern/backend-cpu';
import {
  type AdamAttributes,
  type Conv2dOptions,
  conv2d,
  fromArray,
  Generator,
  getBackend,
  getFastKernel,
  maxPool2d,
  type Pool2dOptions,
  type SgdAttributes,
  softmaxCrossEntropy,
  type Tensor,
} from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { firstMismatch, webgpuForTests } from './test-environment.js';

await registerCpuBackend();

// The fast kernels on 'webgpu' against the cpu backend's, through core's ops and autograd (both backends register the
// fast kernels, so this compares kernel with kernel), over strides, padding, dilation, groups and overlapping windows.
const backend = await webgpuForTests();
const generator = new Generator(99);

function random(shape: number[], backendName = 'cpu'): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return fromArray(
    Float32Array.from({ length: size }, () => generator.nextFloat24() * 2 - 1),
    shape,
    'float32',
    { backend: backendName },
  );
}

async function expectClose(gpu: Tensor, cpu: Tensor, what: string, rtol = 1e-4, atol = 1e-5): Promise<void> {
  expect(gpu.shape, what).toEqual(cpu.shape);
  expect(firstMismatch(await gpu.data(), cpu.dataSync(), rtol, atol), what).toBeNull();
}

/** Runs `forward` on leaf copies of `inputs` on both backends, backpropagates one random upstream, compares all. */
async function compareWithGradients(inputs: Tensor[], forward: (xs: Tensor[]) => Tensor, what: string): Promise<void> {
  const cpuInputs = inputs.map((x) => x.detach().requiresGrad_());
  const gpuInputs = inputs.map((x) => x.to('webgpu').requiresGrad_());
  const cpuOutput = forward(cpuInputs),
    gpuOutput = forward(gpuInputs);
  await expectClose(gpuOutput, cpuOutput, `${what}: forward`);
  const upstream = random([...cpuOutput.shape]);
  cpuOutput.backward(upstream);
  gpuOutput.backward(upstream.to('webgpu'));
  for (const [index, input] of cpuInputs.entries())
    await expectClose(gpuInputs[index]!.grad!, input.grad!, `${what}: gradient ${index}`);
}

describe.skipIf(!backend)('webgpu fast kernels match the cpu backend', () => {
  it('conv2d forward, backward-input and backward-weight', async () => {
    const cases: Array<[number[], number[], Conv2dOptions, boolean]> = [
      [[2, 3, 9, 9], [4, 3, 3, 3], { padding: 1 }, true],
      [[1, 4, 11, 10], [6, 2, 3, 2], { stride: [2, 3], padding: [1, 2], dilation: [2, 1], groups: 2 }, true],
      [[3, 2, 8, 8], [5, 2, 5, 5], { padding: 2 }, false],
      [[2, 3, 7, 6], [3, 1, 3, 3], { stride: 2, groups: 3 }, true],
      [[4, 8, 16, 16], [8, 8, 5, 5], { padding: 2 }, true],
    ];
    for (const [inputShape, weightShape, options, withBias] of cases) {
      const inputs = [random(inputShape), random(weightShape), ...(withBias ? [random([weightShape[0]!])] : [])];
      await compareWithGradients(
        inputs,
        ([x, w, b]) => conv2d(x!, w!, b ?? null, options),
        `conv2d ${inputShape} * ${weightShape} ${JSON.stringify(options)}`,
      );
    }
  });

  it('conv2d reads offset views (a batch slice) without copying', async () => {
    const input = random([5, 3, 6, 6]),
      weight = random([2, 3, 3, 3]);
    const cpu = conv2d(input.narrow(0, 2, 2), weight);
    const gpu = conv2d(input.to('webgpu').narrow(0, 2, 2), weight.to('webgpu'));
    await expectClose(gpu, cpu, 'conv2d on a narrowed batch');
  });

  it('maxPool2d values, indices and gradients, including overlapping windows and NaN', async () => {
    const cases: Array<[number[], number, Pool2dOptions]> = [
      [[2, 3, 8, 8], 2, {}],
      [[1, 2, 7, 9], 3, { stride: 2, padding: 1 }],
      [[2, 1, 9, 9], 3, { stride: 1, dilation: 2 }],
      [[1, 2, 7, 7], 2, { ceilMode: true }],
    ];
    for (const [shape, kernel, options] of cases) {
      const input = random(shape);
      const cpu = maxPool2d(input, kernel, options),
        gpu = maxPool2d(input.to('webgpu'), kernel, options);
      expect(Array.from(await gpu.indices.data()), `indices ${shape}`).toEqual(Array.from(cpu.indices.dataSync()));
      await compareWithGradients(
        [input],
        ([x]) => maxPool2d(x!, kernel, options).values,
        `maxPool2d ${shape} ${JSON.stringify(options)}`,
      );
    }
    const withNaN = fromArray(Float32Array.of(1, NaN, 3, 4, 5, 6, 7, 8, 9), [1, 1, 3, 3], 'float32', { backend: 'cpu' });
    const cpu = maxPool2d(withNaN, 2, { stride: 1 }),
      gpu = maxPool2d(withNaN.to('webgpu'), 2, { stride: 1 });
    await expectClose(gpu.values, cpu.values, 'maxPool2d NaN values');
    expect(Array.from(await gpu.indices.data())).toEqual(Array.from(cpu.indices.dataSync()));
  });

  it('softmaxCrossEntropy losses and gradients', async () => {
    for (const [rows, classes] of [
      [4, 10],
      [3, 200],
      [1, 1],
    ] as const) {
      const logits = random([rows, classes]).mul(5);
      const targets = fromArray(
        Int32Array.from({ length: rows }, (_, i) => (i * 7) % classes),
        [rows],
        'int32',
        { backend: 'cpu' },
      );
      const gpuTargets = targets.to('webgpu');
      await compareWithGradients(
        [logits],
        ([x]) => softmaxCrossEntropy(x!, x!.backend.name === 'cpu' ? targets : gpuTargets),
        `softmaxCrossEntropy ${rows}x${classes}`,
      );
    }
  });

  it('sgdUpdate and adamUpdate follow the cpu backend step by step', async () => {
    const sgdSettings: SgdAttributes[] = [
      { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, firstStep: true },
      { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: false, maximize: false, firstStep: true },
      { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: true, maximize: true, firstStep: false },
    ];
    const adamSettings: AdamAttributes[] = [
      {
        lr: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0,
        decoupledWeightDecay: false,
        amsgrad: false,
        maximize: false,
        step: 1,
      },
      {
        lr: 1e-2,
        beta1: 0.8,
        beta2: 0.99,
        eps: 1e-6,
        weightDecay: 0.1,
        decoupledWeightDecay: true,
        amsgrad: true,
        maximize: false,
        step: 3,
      },
      {
        lr: 1e-2,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0.05,
        decoupledWeightDecay: false,
        amsgrad: false,
        maximize: true,
        step: 2,
      },
    ];
    const states = () => [random([37]), random([37]), random([37]), random([37]).abs(), random([37]).abs()];
    const both = (tensors: Tensor[]) => ({ cpu: tensors, gpu: tensors.map((t) => t.to('webgpu')) });
    for (const settings of sgdSettings) {
      const { cpu, gpu } = both(states());
      for (const [name, set] of [
        ['cpu', cpu],
        ['webgpu', gpu],
      ] as const) {
        const backend = getBackend(name);
        const view = (tensor: Tensor) => tensor.kernelView('sgdUpdate', backend);
        const kernel = getFastKernel(backend, 'sgdUpdate')!;
        kernel(view(set[0]!), view(set[1]!), settings.momentum ? view(set[2]!) : null, settings);
      }
      await expectClose(gpu[0]!, cpu[0]!, `sgd ${JSON.stringify(settings)} parameter`, 1e-6, 1e-7);
      await expectClose(gpu[2]!, cpu[2]!, `sgd ${JSON.stringify(settings)} momentum`, 1e-6, 1e-7);
    }
    for (const settings of adamSettings) {
      const { cpu, gpu } = both(states());
      for (const [name, set] of [
        ['cpu', cpu],
        ['webgpu', gpu],
      ] as const) {
        const backend = getBackend(name);
        const view = (tensor: Tensor) => tensor.kernelView('adamUpdate', backend);
        const kernel = getFastKernel(backend, 'adamUpdate')!;
        kernel(view(set[0]!), view(set[1]!), view(set[2]!), view(set[3]!), settings.amsgrad ? view(set[4]!) : null, settings);
      }
      for (const index of [0, 2, 3, 4])
        await expectClose(gpu[index]!, cpu[index]!, `adam ${JSON.stringify(settings)} state ${index}`, 1e-5, 1e-7);
    }
  });
});
