// Benchmarks the cpu backend: conv kernels in GFLOP/s at the course CNN's shapes, and training images/s.
// Usage: pnpm --filter @lantern/backend-cpu bench [-- --steps N]
import { registerCpuBackend } from '@lantern/backend-cpu';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2d as conv2dKernel } from '@lantern/backend-cpu/kernels';
import { createCourseCnn, randomBatch, trainingFlopsPerImage, trainStep } from '@lantern/conformance/course-cnn';
import { randn, zeros } from '@lantern/tensor';

await registerCpuBackend();

// The layout a kernel reads: core's kernelView, checked against the tensor's own backend.
const view = (tensor) => tensor.kernelView('bench', tensor.backend);

const steps = Number(process.argv[process.argv.indexOf('--steps') + 1]) || 0;

function time(fn, minimumMs = 300) {
  fn();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minimumMs) {
    fn();
    runs++;
  }
  return (performance.now() - start) / runs;
}

const attributes = { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 };
console.log('conv kernels, batch 1 (GFLOP/s)');
for (const [c, o, size] of [
  [3, 32, 32],
  [32, 32, 16],
  [32, 64, 8],
]) {
  const input = randn([1, c, size, size]),
    weight = randn([o, c, 5, 5]),
    bias = randn([o]);
  const output = zeros([1, o, size, size]),
    gradInput = zeros([1, c, size, size]),
    gradWeight = zeros([o, c, 5, 5]);
  const flops = 2 * c * 25 * o * size * size;
  const forward = time(() => conv2dKernel(view(input), view(weight), view(bias), view(output), attributes));
  const backInput = time(() => conv2dBackwardInput(view(output), view(weight), view(gradInput), attributes));
  const backWeight = time(() => conv2dBackwardWeight(view(output), view(input), view(gradWeight), attributes));
  const rate = (ms) => (flops / ms / 1e6).toFixed(2);
  console.log(
    `  ${c}->${o} on ${size}x${size}: forward ${rate(forward)}, backward-input ${rate(backInput)}, backward-weight ${rate(backWeight)}`,
  );
}

console.log(`training step FLOPs per image: ${(trainingFlopsPerImage() / 1e6).toFixed(1)} MFLOP`);
for (const batchSize of [1, 64]) {
  const model = createCourseCnn(0);
  const batch = randomBatch(batchSize);
  const count = steps || (batchSize === 1 ? 200 : 8);
  trainStep(model, batch.images, batch.labels).item();
  const start = performance.now();
  for (let i = 0; i < count; i++) trainStep(model, batch.images, batch.labels);
  const seconds = (performance.now() - start) / 1000;
  const imagesPerSecond = (count * batchSize) / seconds;
  console.log(
    `training batch ${batchSize}: ${imagesPerSecond.toFixed(1)} images/s (${((imagesPerSecond * trainingFlopsPerImage()) / 1e9).toFixed(2)} GFLOP/s)`,
  );
}
