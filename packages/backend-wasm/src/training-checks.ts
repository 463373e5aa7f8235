// The wasm package's training checks, as a function so that they run on each kernel build: training.test.ts runs them
// on the build simd 'auto' picks, simd128.test.ts on the SIMD128 build. Call after registerWasmBackend().
import {
  conv2d,
  keep,
  linear,
  manualSeed,
  maxPool2d,
  rand,
  randint,
  randn,
  setBackend,
  sgdUpdate_,
  softmaxCrossEntropy,
  type Tensor,
  tidy,
} from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { getSimdVariant, memoryStats, setThreads, threadsReady } from './index.js';

// The course CNN, written with core functional ops; PyTorch's default init (uniform ±1/sqrt(fan_in)). `kernel` 3 gives
// the same network with 3×3 convolutions (padding 1), which take the F(6×6, 3×3) Winograd kernels instead.
function makeParameters(backend: string, kernel = 5): Tensor[] {
  setBackend('cpu');
  manualSeed(0);
  const k = kernel;
  const shapes = [[32, 3, k, k], [32], [32, 32, k, k], [32], [64, 32, k, k], [64], [64, 1024], [64], [10, 64], [10]];
  const fanIns = [3 * k * k, 3 * k * k, 32 * k * k, 32 * k * k, 32 * k * k, 32 * k * k, 1024, 1024, 64, 64];
  return shapes.map((shape, i) => {
    const bound = 1 / Math.sqrt(fanIns[i]!);
    return keep(
      rand(shape)
        .mul(2 * bound)
        .sub(bound)
        .to(backend)
        .requiresGrad_(),
    );
  });
}

function trainingStep(parameters: Tensor[], images: Tensor, labels: Tensor): number {
  return tidy(() => {
    const [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5] = parameters as [
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
    ];
    const padding = (w1.shape[2]! - 1) / 2;
    let h = maxPool2d(conv2d(images, w1, b1, { padding }), 2).values;
    h = maxPool2d(conv2d(h, w2, b2, { padding }), 2).values;
    h = maxPool2d(conv2d(h, w3, b3, { padding }), 2).values;
    const loss = softmaxCrossEntropy(linear(linear(h.flatten(1), w4, b4), w5, b5), labels).mean();
    loss.backward();
    for (const parameter of parameters) {
      sgdUpdate_(parameter, parameter.grad!, null, { lr: 0.05 }); // wasm's fused sgdUpdate
      parameter.grad!.dispose(); // gradients are kept out of tidy() scopes, so they are released explicitly
      parameter.grad = null;
    }
    return loss.item();
  });
}

export function describeTrainingChecks(): void {
  describe(`training the course CNN on wasm (${getSimdVariant()} kernels)`, () => {
    it.each([5, 3])('kernel size %i: follows the cpu backend step for step, and the loss falls', async (kernel) => {
      setThreads(2);
      await threadsReady();
      setBackend('cpu');
      manualSeed(1);
      const images = randn([4, 3, 32, 32]),
        labels = randint(0, 10, [4]);
      const losses = ['cpu', 'wasm'].map((backend) => {
        const parameters = makeParameters(backend, kernel);
        const x = images.to(backend),
          y = labels.to(backend);
        return Array.from({ length: 8 }, () => trainingStep(parameters, x, y));
      });
      for (let step = 0; step < 8; step++) expect(losses[1]![step]).toBeCloseTo(losses[0]![step]!, 4);
      expect(losses[1]![7]).toBeLessThan(losses[1]![0]! * 0.9);
    });

    it('keeps linear memory flat across many steps once warmed up', async () => {
      setThreads(2);
      await threadsReady();
      const parameters = makeParameters('wasm');
      setBackend('wasm');
      manualSeed(2);
      const images = keep(randn([16, 3, 32, 32])),
        labels = keep(randint(0, 10, [16]));
      for (let step = 0; step < 3; step++) trainingStep(parameters, images, labels);
      const warm = memoryStats();
      for (let step = 0; step < 60; step++) trainingStep(parameters, images, labels);
      const after = memoryStats();
      expect(after.memoryBytes).toBe(warm.memoryBytes);
      expect(after.liveBlocks).toBe(warm.liveBlocks);
      expect(after.liveBytes).toBe(warm.liveBytes);
    });
  });
}
