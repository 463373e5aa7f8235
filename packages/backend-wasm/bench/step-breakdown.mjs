// Where a wasm training step's time goes, kernel by kernel, with 1 and 2 threads (run `pnpm build` first):
//   node bench/step-breakdown.mjs [batch]      (ALL=1 lists every kernel, not only those over 1% of the step)
// Wraps every registered fast kernel and primitive with a timer; kernels taking ≥ 1% of the 1-thread step are listed
// with their per-step milliseconds at 1 and 2 threads and the speedup.

import { registerWasmBackend, setThreads, threadsReady } from '@lantern/backend-wasm';
import { fastKernelNames, getBackend, registerFastKernel, unregisterFastKernel } from '@lantern/tensor';
import { measureTraining } from './cnn-step.mjs';

await registerWasmBackend();

const backend = getBackend('wasm');
const totals = new Map();
const timed =
  (key, fn) =>
  (...args) => {
    const start = performance.now();
    const result = fn(...args);
    const name = key + (args[0]?.shape ? ` ${args[0].shape.join('×')}` : '');
    totals.set(name, (totals.get(name) ?? 0) + performance.now() - start);
    return result;
  };
for (const name of Object.keys(fastKernelNames)) {
  const kernel = unregisterFastKernel('wasm', name); // replaced by its timed wrapper
  if (kernel) registerFastKernel('wasm', name, timed(name, kernel));
}
for (const name of ['unary', 'binary', 'reduce', 'copy', 'fill', 'matmul', 'where', 'allocate', 'free', 'write']) {
  const primitive = backend[name];
  backend[name] = (...args) => {
    const start = performance.now();
    const result = primitive(...args);
    totals.set(name, (totals.get(name) ?? 0) + performance.now() - start);
    return result;
  };
}

const batchSize = Number(process.argv[2] ?? 1),
  steps = batchSize === 1 ? 300 : 10,
  warmup = 2;
setThreads(2);
await threadsReady();
const results = {};
for (const threads of [1, 2]) {
  totals.clear();
  const { imagesPerSecond } = measureTraining({ backend: 'wasm', batchSize, threads, steps, warmup });
  results[threads] = { step: (1000 * batchSize) / imagesPerSecond, parts: new Map(totals) };
}
console.log(`batch ${batchSize}: step ${results[1].step.toFixed(2)} ms (1 thread), ${results[2].step.toFixed(2)} ms (2 threads)`);
const perStep = (threads, key) => (results[threads].parts.get(key) ?? 0) / (steps + warmup);
for (const key of [...results[1].parts.keys()].sort((a, b) => perStep(1, b) - perStep(1, a))) {
  const one = perStep(1, key),
    two = perStep(2, key);
  if (process.env.ALL || one >= 0.01 * results[1].step)
    console.log(`${key.padEnd(40)} ${one.toFixed(3)} ms  ${two.toFixed(3)} ms  ${(one / two).toFixed(2)}×`);
}
