// Training throughput of the course CNN on 'webgpu' (images/s), at batch 64 and 256 by default.
// Build first (it runs the published entry points): pnpm turbo run build --filter=@lantern/backend-webgpu...
// Usage: node bench/train.mjs [--batches 64,256] [--steps 20] [--warmup 3] [--cpu]
//   --cpu also times the cpu backend at the same batch sizes (same model, same data) for a ratio from one run.
// Each timed step uploads its batch, runs forward, backward and the fused SGD update; the loss is read back only
// after the last step, as a training loop that logs every N steps would. Results go in BENCHMARKS.md.

import { registerWebGPUBackend } from '@lantern/backend-webgpu';
import { Generator, getBackend } from '@lantern/tensor';
import { createParameters, initialParameters, randomBatch, trainingFlopsPerImage, trainStep } from './course-cnn.mjs';

const argument = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const batchSizes = argument('batches', '64,256').split(',').map(Number);
const steps = Number(argument('steps', '20'));
const warmup = Number(argument('warmup', '3'));
const withCpu = process.argv.includes('--cpu');

const backend = await registerWebGPUBackend();
console.log(`webgpu adapter: ${backend.adapterDescription}`);
console.log(
  `training FLOPs per image: ${(trainingFlopsPerImage() / 1e6).toFixed(1)} MFLOP; ${steps} timed steps after ${warmup} warm-up steps`,
);
if (withCpu) await (await import('@lantern/backend-cpu')).registerCpuBackend();

async function measure(backendName, batchSize) {
  const parameters = createParameters(initialParameters(new Generator(0)), backendName);
  const data = new Generator(1);
  // A few distinct batches made up front, so host-side random numbers are not part of the timing.
  const batches = Array.from({ length: 4 }, () => randomBatch(data, batchSize));
  const run = async (count) => {
    let loss = null;
    for (let step = 0; step < count; step++) {
      loss?.dispose();
      loss = trainStep(parameters, batches[step % batches.length]);
    }
    const value = loss ? (await loss.data())[0] : NaN;
    loss?.dispose();
    return value;
  };
  await run(warmup);
  const start = performance.now();
  const finalLoss = await run(steps);
  const seconds = (performance.now() - start) / 1000;
  const imagesPerSecond = (steps * batchSize) / seconds;
  for (const parameter of parameters) parameter.dispose();
  return { imagesPerSecond, finalLoss, gflops: (imagesPerSecond * trainingFlopsPerImage()) / 1e9 };
}

for (const batchSize of batchSizes) {
  const gpu = await measure('webgpu', batchSize);
  let line = `batch ${String(batchSize).padStart(3)}: webgpu ${gpu.imagesPerSecond.toFixed(1)} images/s (${gpu.gflops.toFixed(2)} GFLOP/s, final loss ${gpu.finalLoss.toFixed(4)})`;
  if (withCpu) {
    const cpu = await measure('cpu', batchSize);
    line += `; cpu ${cpu.imagesPerSecond.toFixed(1)} images/s; webgpu/cpu ${(gpu.imagesPerSecond / cpu.imagesPerSecond).toFixed(2)}x`;
  }
  console.log(line);
}
const memory = getBackend('webgpu').memory();
console.log(
  `buffer pool: ${memory.buffersCreated} buffers created, ${(memory.bytesPooled / 2 ** 20).toFixed(1)} MiB idle; ${memory.pipelines} pipelines`,
);
backend.destroy();
