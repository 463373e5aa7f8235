import { registerCpuBackend } from '@lantern/backend-cpu';
import { type Conv2dOptions, conv2d, fromArray, Generator, matmul, type Tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { registerWebGPUBackend } from './init.js';
import { firstMismatch, webgpuForTests } from './test-environment.js';

await registerCpuBackend();

// The matrix kernels (matmul and the three convolutions) have two shaders: one that shares A's loads across a subgroup,
// used where the adapter's subgroup size is fixed (lavapipe's is 8), and one without subgroup operations for every
// other adapter. The other test files run whichever this adapter picks; this one runs both on the same device type.
const backend = await webgpuForTests();
const plain = backend ? await registerWebGPUBackend({ name: 'webgpu-plain', subgroupSize: 0 }) : null;
const generator = new Generator(7);

function random(shape: number[]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return fromArray(
    Float32Array.from({ length: size }, () => generator.nextFloat24() * 2 - 1),
    shape,
    'float32',
    { backend: 'cpu' },
  );
}

async function expectClose(actual: Tensor, expected: Tensor, what: string): Promise<void> {
  expect(actual.shape, what).toEqual(expected.shape);
  expect(firstMismatch(await actual.data(), expected.dataSync(), 1e-4, 1e-5), what).toBeNull();
}

/** conv2d on `backendName` against the cpu backend: output, and the gradients of input, weight and bias. */
async function compareConvolution(backendName: string, inputShape: number[], weightShape: number[], options: Conv2dOptions) {
  const what = `${backendName} conv2d ${JSON.stringify({ inputShape, weightShape, options })}`;
  const leaves = [random(inputShape), random(weightShape), random([weightShape[0]!])];
  const cpu = leaves.map((leaf) => leaf.detach().requiresGrad_());
  const gpu = leaves.map((leaf) => leaf.to(backendName).requiresGrad_());
  const cpuOutput = conv2d(cpu[0]!, cpu[1]!, cpu[2]!, options);
  const gpuOutput = conv2d(gpu[0]!, gpu[1]!, gpu[2]!, options);
  await expectClose(gpuOutput, cpuOutput, `${what}: forward`);
  const upstream = random([...cpuOutput.shape]);
  cpuOutput.backward(upstream);
  gpuOutput.backward(upstream.to(backendName));
  for (const [index, leaf] of cpu.entries()) await expectClose(gpu[index]!.grad!, leaf.grad!, `${what}: gradient ${index}`);
}

const convolutions: Array<[number[], number[], Conv2dOptions]> = [
  // More output channels than one workgroup's rows, and padding on every side.
  [[2, 3, 9, 9], [40, 3, 5, 5], { padding: 2 }],
  // Strides (the backward-input shader's strided taps), dilation and groups.
  [[1, 4, 11, 10], [6, 2, 3, 2], { stride: [2, 3], padding: [1, 2], dilation: [2, 1], groups: 2 }],
  // A weight gradient with few outputs and a long k: split across workgroups by image, then summed.
  [[8, 2, 16, 16], [3, 2, 3, 3], { padding: 1 }],
];

describe.skipIf(!backend)('matrix kernels with and without subgroup sharing', () => {
  it('uses subgroups on an adapter with a fixed subgroup size, and never on the plain backend', () => {
    const info = backend!.device.adapterInfo as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number };
    const fixed = backend!.device.features.has('subgroups') && info.subgroupMinSize === info.subgroupMaxSize;
    expect(backend!.runtime.gpu.subgroupSize).toBe(fixed ? info.subgroupMinSize : 0);
    expect(plain!.runtime.gpu.subgroupSize).toBe(0);
  });

  for (const name of ['webgpu', 'webgpu-plain']) {
    it(`${name}: conv2d forward and both backward kernels match the cpu backend`, async () => {
      for (const [inputShape, weightShape, options] of convolutions)
        await compareConvolution(name, inputShape, weightShape, options);
    });

    it(`${name}: matmul over odd sizes, a transposed operand and int32 matches the cpu backend`, async () => {
      const a = random([3, 37, 19]),
        b = random([3, 23, 19]).transpose(1, 2);
      await expectClose(matmul(a.to(name), b.to(name)), matmul(a, b), `${name} float32 matmul`);
      const x = fromArray(
        Int32Array.from({ length: 5 * 9 }, (_, i) => (i % 7) - 3),
        [5, 9],
        'int32',
        { backend: 'cpu' },
      );
      const y = fromArray(
        Int32Array.from({ length: 9 * 6 }, (_, i) => (i % 5) - 2),
        [9, 6],
        'int32',
        { backend: 'cpu' },
      );
      expect(Array.from(await matmul(x.to(name), y.to(name)).data())).toEqual(Array.from(matmul(x, y).dataSync()));
    });
  }
});
