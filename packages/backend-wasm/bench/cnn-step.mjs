// Training-step throughput of the course CNN, written with core functional ops, on any registered backend.
//   node bench/cnn-step.mjs [--batch=1,64] [--threads=1,2]   wasm vs cpu vs PyTorch, interleaved (ROUNDS=3 rounds)
// Run `pnpm build` first (imports the built dist). `measureTraining` is the entry point for a root `pnpm bench`.
// The CNN (as specified for the course): Conv2d(3,32,5,p=2) → MaxPool2d(2) → Conv2d(32,32,5,p=2) → MaxPool2d(2) →
// Conv2d(32,64,5,p=2) → MaxPool2d(2) → Flatten → Linear(1024,64) → Linear(64,10); CrossEntropyLoss; SGD(lr=0.01).
import { registerCpuBackend } from '@lantern/backend-cpu';
import { registerWasmBackend, setThreads } from '@lantern/backend-wasm';
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
  tidy,
} from '@lantern/tensor';

await registerCpuBackend();
await registerWasmBackend();

const layers = [
  ['conv', [32, 3, 5, 5]],
  ['conv', [32, 32, 5, 5]],
  ['conv', [64, 32, 5, 5]],
  ['linear', [64, 1024]],
  ['linear', [10, 64]],
];

/** Multiply-adds per image, forward: conv1 32·32·32·75 + conv2 16·16·32·800 + conv3 8·8·64·800 + 1024·64 + 64·10. */
export const forwardMultiplyAdds = 32 * 32 * 32 * 75 + 16 * 16 * 32 * 800 + 8 * 8 * 64 * 800 + 1024 * 64 + 64 * 10;
/** Backward: every layer's weight gradient, plus input gradients for all but the first conv. */
export const backwardMultiplyAdds = forwardMultiplyAdds + (forwardMultiplyAdds - 32 * 32 * 32 * 75);
export const flopsPerImage = 2 * (forwardMultiplyAdds + backwardMultiplyAdds);

// PyTorch's default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights (kaiming_uniform, a=√5) and biases.
function makeParameters() {
  manualSeed(0);
  return layers.map(([, shape]) => {
    const fanIn = shape.slice(1).reduce((a, b) => a * b, 1),
      bound = 1 / Math.sqrt(fanIn);
    const weight = keep(
      rand(shape)
        .mul(2 * bound)
        .sub(bound)
        .detach()
        .requiresGrad_(),
    );
    const bias = keep(
      rand([shape[0]])
        .mul(2 * bound)
        .sub(bound)
        .detach()
        .requiresGrad_(),
    );
    return [weight, bias];
  });
}

function forward(parameters, images) {
  let h = images;
  const [[w1, b1], [w2, b2], [w3, b3], [w4, b4], [w5, b5]] = parameters;
  h = maxPool2d(conv2d(h, w1, b1, { padding: 2 }), 2).values;
  h = maxPool2d(conv2d(h, w2, b2, { padding: 2 }), 2).values;
  h = maxPool2d(conv2d(h, w3, b3, { padding: 2 }), 2).values;
  return linear(linear(h.flatten(1), w4, b4), w5, b5);
}

function sgdStep(parameters, lr) {
  for (const parameter of parameters.flat()) {
    sgdUpdate_(parameter, parameter.grad, null, { lr }); // the backend's fused sgdUpdate when it has one
    parameter.grad.dispose(); // gradients are kept out of tidy() scopes
    parameter.grad = null;
  }
}

/**
 * Trains the CNN for `steps` steps (after `warmup` untimed ones) on fixed random CIFAR-shaped data and returns
 * images per second. `threads` applies to the wasm backend (the cpu backend is single-threaded).
 */
export function measureTraining({ backend = 'wasm', batchSize = 64, steps = 20, threads = 2, warmup = 3 } = {}) {
  setBackend(backend);
  if (backend === 'wasm') setThreads(threads);
  const parameters = makeParameters();
  const images = keep(randn([batchSize, 3, 32, 32]));
  const labels = keep(randint(0, 10, [batchSize]));
  const step = () =>
    tidy(() => {
      const loss = softmaxCrossEntropy(forward(parameters, images), labels).mean();
      loss.backward();
      sgdStep(parameters, 0.01);
      return loss.item();
    });
  for (let i = 0; i < warmup; i++) step();
  const start = performance.now();
  let loss = 0;
  for (let i = 0; i < steps; i++) loss = step();
  const seconds = (performance.now() - start) / 1000;
  for (const tensor of [images, labels, ...parameters.flat()]) tensor.dispose();
  return { backend, batchSize, threads: backend === 'wasm' ? threads : 1, imagesPerSecond: (steps * batchSize) / seconds, loss };
}

async function main() {
  const { execFileSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const script = fileURLToPath(new URL('./torch_cnn_step.py', import.meta.url));
  const torch = (batchSize, threads, steps) => {
    try {
      const output = execFileSync('/usr/bin/python3', [script, String(batchSize), String(threads), String(steps)], {
        encoding: 'utf8',
      });
      return JSON.parse(output).imagesPerSecond;
    } catch {
      return null; // no PyTorch here: the table shows wasm and cpu only
    }
  };
  const rounds = Number(process.env.ROUNDS ?? 3);
  const option = (name, fallback) =>
    process.argv
      .find((a) => a.startsWith(`--${name}=`))
      ?.split('=')[1]
      .split(',')
      .map(Number) ?? fallback;
  const rows = [];
  for (const batchSize of option('batch', [1, 64])) {
    const steps = batchSize === 1 ? 300 : 12;
    for (const threads of option('threads', [1, 2])) {
      // The machine is shared: wasm and PyTorch alternate for a few rounds and each keeps its best (least disturbed) run.
      let wasm = 0,
        pytorch = null;
      for (let round = 0; round < rounds; round++) {
        wasm = Math.max(
          wasm,
          measureTraining({ backend: 'wasm', batchSize, threads, steps, warmup: batchSize === 1 ? 50 : 3 }).imagesPerSecond,
        );
        const reference = torch(batchSize, threads, steps);
        if (reference !== null) pytorch = Math.max(pytorch ?? 0, reference);
      }
      const cpu =
        threads === 1
          ? measureTraining({ backend: 'cpu', batchSize, steps: Math.ceil(steps / 10), warmup: 1 }).imagesPerSecond
          : null;
      rows.push({ batchSize, threads, wasm, cpu, pytorch });
    }
  }
  console.log(
    `FLOP per image per training step: ${(flopsPerImage / 1e6).toFixed(1)} M (forward ${((2 * forwardMultiplyAdds) / 1e6).toFixed(1)} M)`,
  );
  console.log(
    '| batch | threads | wasm images/s | cpu images/s | PyTorch images/s | wasm / PyTorch | wasm / cpu | wasm GFLOP/s |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const f = (x) => (x === null ? '–' : x.toFixed(0));
    const ratio = (a, b) => (a === null || b === null ? '–' : `${(a / b).toFixed(2)}×`);
    console.log(
      `| ${r.batchSize} | ${r.threads} | ${f(r.wasm)} | ${f(r.cpu)} | ${f(r.pytorch)} | ${ratio(r.wasm, r.pytorch)} | ` +
        `${ratio(r.wasm, r.cpu)} | ${((r.wasm * flopsPerImage) / 1e9).toFixed(1)} |`,
    );
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) await main();
