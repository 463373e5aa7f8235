// The two kernel builds side by side in one process: SIMD128 (multiply, then add) against relaxed SIMD (fused
// multiply-add), on GEMMs, the course CNN's convolutions at batch 64, and its whole training step.
//   node bench/simd-variants.mjs [--threads=1] [--rounds=5]      (run `pnpm build` first: it imports the built dist)
// The backend loads one build per program, so each build runs in its own worker thread of this process; they take
// turns (never both at once), alternating which goes first, and each figure is the best of the rounds: the machine
// may be shared, and the best run is the one least disturbed by other load.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const option = (name, fallback) => Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

const gemms = [
  [256, 256, 256],
  [64, 800, 1024], // conv-shaped: 64 channels × 800 (32·5·5) taps against 1024 pixels
  [64, 1024, 64], // the course CNN's first linear layer at batch 64
];
const batch = 64;
const convolutions = [
  { name: 'conv1', channels: 3, outChannels: 32, size: 32, algorithms: ['direct'] },
  { name: 'conv2', channels: 32, outChannels: 32, size: 16, algorithms: ['Winograd', 'direct'] },
  { name: 'conv3', channels: 32, outChannels: 64, size: 8, algorithms: ['Winograd', 'direct'] },
];

/** Every case of one round in this worker's build: { name: [flops, milliseconds] }, and the training rate. */
async function startCases(simd, threads) {
  const { registerCpuBackend } = await import('@lantern/backend-cpu');
  const tensorCore = await import('@lantern/tensor');
  const wasm = await import('../dist/index.js');
  const { bestTime } = await import('./timing.mjs');
  await registerCpuBackend();
  await wasm.registerWasmBackend({ simd, threads });
  // After the registration above: cnn-step's own registerWasmBackend() ('auto') then finds this build started.
  const { measureTraining, flopsPerImage } = await import('./cnn-step.mjs');
  const { emptyTensor, getBackend, getFastKernel, manualSeed, randn, setBackend } = tensorCore;
  setBackend('wasm');
  manualSeed(0);
  const backend = getBackend('wasm');
  const view = (tensor) => tensor.kernelView('bench', tensor.backend);
  const cases = {};
  for (const [m, k, n] of gemms) {
    const a = randn([m, k]),
      b = randn([k, n]);
    cases[`gemm ${m}×${k}·${k}×${n}`] = [2 * m * n * k, () => a.matmul(b).dispose(), () => {}];
  }
  const attributes = { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 };
  for (const { name, channels, outChannels, size, algorithms } of convolutions) {
    const x = randn([batch, channels, size, size]),
      w = randn([outChannels, channels, 5, 5]),
      bias = randn([outChannels]),
      g = randn([batch, outChannels, size, size]);
    const output = emptyTensor(g.shape, 'float32', backend),
      gradInput = emptyTensor(x.shape, 'float32', backend),
      gradWeight = emptyTensor(w.shape, 'float32', backend);
    const flops = 2 * batch * outChannels * size * size * channels * 25;
    const kernels = {
      forward: () => getFastKernel(backend, 'conv2d')(view(x), view(w), view(bias), view(output), attributes),
      backwardInput: () => getFastKernel(backend, 'conv2dBackwardInput')(view(g), view(w), view(gradInput), attributes),
      backwardWeight: () => getFastKernel(backend, 'conv2dBackwardWeight')(view(g), view(x), view(gradWeight), attributes),
    };
    for (const algorithm of algorithms) {
      for (const [kernel, run] of Object.entries(kernels)) {
        // The first layer's input gradient is never computed in training (its input is the data), but it is a kernel.
        cases[`${name} ${kernel} (${algorithm})`] = [flops, run, () => wasm.useWinograd(algorithm === 'Winograd')];
      }
    }
  }
  return () => {
    const milliseconds = {};
    for (const [name, [flops, run, configure]] of Object.entries(cases)) {
      configure();
      milliseconds[name] = [flops, bestTime(run)];
      wasm.useWinograd(true);
    }
    // Several short runs rather than one long one: the best of them is the least disturbed, as for the kernels.
    let imagesPerSecond = 0;
    for (let run = 0; run < 4; run++) {
      const training = measureTraining({ backend: 'wasm', batchSize: batch, steps: 3, threads, warmup: 1 });
      imagesPerSecond = Math.max(imagesPerSecond, training.imagesPerSecond);
    }
    milliseconds[`training step, batch ${batch} (images/s)`] = [null, imagesPerSecond];
    return { milliseconds, simd: wasm.getSimdVariant(), flopsPerImage };
  };
}

if (!isMainThread) {
  const runRound = await startCases(workerData.simd, workerData.threads);
  parentPort.on('message', () => parentPort.postMessage(runRound()));
  parentPort.postMessage('ready');
} else {
  const threads = option('threads', 1),
    rounds = option('rounds', 5);
  const variants = ['simd128', 'relaxed'];
  const workers = await Promise.all(
    variants.map(
      (simd) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: { simd, threads } });
          worker.once('message', () => resolve(worker));
          worker.once('error', reject);
        }),
    ),
  );
  const round = (worker) =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage('round');
    });
  const best = variants.map(() => ({}));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) {
      const { milliseconds, simd } = await round(workers[index]);
      if (simd !== variants[index]) throw new Error(`worker for ${variants[index]} runs the ${simd} build`);
      for (const [name, [flops, value]] of Object.entries(milliseconds)) {
        // GFLOP/s from the best (shortest) time; the training step reports images/s, best is the highest.
        const rate = flops === null ? value : flops / value / 1e6;
        best[index][name] = Math.max(best[index][name] ?? 0, rate);
      }
    }
  }
  for (const worker of workers) await worker.terminate();
  console.log(`${threads} thread(s), best of ${rounds} rounds, node ${process.version}`);
  console.log('| case | simd128 GFLOP/s | relaxed GFLOP/s | relaxed / simd128 |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const name of Object.keys(best[0])) {
    const [simd128, relaxed] = [best[0][name], best[1][name]];
    console.log(`| ${name} | ${simd128.toFixed(1)} | ${relaxed.toFixed(1)} | ${(relaxed / simd128).toFixed(2)}× |`);
  }
}
