// Training throughput of the course CNN on Lantern's 'tfjs' adapter against Lantern's 'cpu' backend: same model, same
// batches, a few SGD steps per configuration (tfjs's cpu kernels are slow: keep it short). The losses of the two are
// compared as a check that both computed the same training.
// Usage (after `pnpm --filter @lantern/backend-tfjs... build`; stale dists of @lantern/tensor give wrong figures):
//   node bench/train.mjs [--steps N] [--tfjs-backend cpu|wasm]
// From a root `pnpm bench`: const { measureTraining } = await import('./packages/backend-tfjs/bench/train.mjs');
import { registerCpuBackend } from '@lantern/backend-cpu';
import { clearIndexCache, registerTfjsBackend, tf } from '@lantern/backend-tfjs';
import { createCourseCnn, randomBatch, trainingFlopsPerImage, trainStep } from '@lantern/conformance/course-cnn';
import { setBackend } from '@lantern/tensor';

await registerCpuBackend();

/**
 * Trains the course CNN for `steps` SGD steps (after one warm-up step) at `batchSize` on `backend` ('tfjs' or 'cpu';
 * 'tfjs' runs on the tfjs backend `tfjsBackend`, whose package must be imported first unless it is 'cpu') and
 * returns images/s, with the losses so that callers can check that two backends computed the same thing.
 */
export async function measureTraining({ batchSize = 1, steps = 3, backend = 'tfjs', tfjsBackend = 'cpu' } = {}) {
  if (backend === 'tfjs' && tf.getBackend() !== tfjsBackend) await registerTfjsBackend({ tfjsBackend });
  setBackend(backend);
  const model = createCourseCnn(0);
  const batch = randomBatch(batchSize);
  const losses = [trainStep(model, batch.images, batch.labels)];
  losses[0].item();
  const start = performance.now();
  for (let step = 0; step < steps; step++) losses.push(trainStep(model, batch.images, batch.labels));
  const values = losses.map((loss) => loss.item());
  const seconds = (performance.now() - start) / 1000;
  for (const tensor of [...losses, ...model.parameters, batch.images, batch.labels]) tensor.dispose();
  if (backend === 'tfjs') clearIndexCache();
  const imagesPerSecond = (steps * batchSize) / seconds;
  return {
    backend: backend === 'tfjs' ? `tfjs (${tf.getBackend()})` : backend,
    batchSize,
    steps,
    imagesPerSecond,
    gflops: (imagesPerSecond * trainingFlopsPerImage()) / 1e9,
    losses: values,
  };
}

const isMain = import.meta.url === new URL(process.argv[1] ?? '', 'file:').href;
if (isMain) {
  const option = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const steps = option('--steps') === undefined ? undefined : Number(option('--steps'));
  const tfjsBackend = option('--tfjs-backend') ?? 'cpu';
  if (tfjsBackend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  console.log(`course CNN training, ${(trainingFlopsPerImage() / 1e6).toFixed(1)} MFLOP per image`);
  for (const configuration of [
    { batchSize: 1, steps: steps ?? 20 },
    { batchSize: 64, steps: steps ?? 2 },
  ]) {
    const results = [];
    for (const backend of ['cpu', 'tfjs']) results.push(await measureTraining({ ...configuration, backend, tfjsBackend }));
    const agree = results[0].losses.every(
      (loss, i) => Math.abs(loss - results[1].losses[i]) <= 1e-3 * Math.max(1, Math.abs(loss)),
    );
    for (const result of results) {
      console.log(
        `${result.backend.padEnd(11)} batch ${String(result.batchSize).padStart(2)}: ` +
          `${result.imagesPerSecond.toFixed(2).padStart(7)} images/s (${result.gflops.toFixed(2)} GFLOP/s), ` +
          `${result.steps} steps, last loss ${result.losses.at(-1).toFixed(5)}`,
      );
    }
    console.log(`  losses of the two backends ${agree ? 'agree' : 'DIFFER'} at every step`);
  }
}
