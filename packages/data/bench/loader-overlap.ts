// Does batch preparation overlap the training step? A consumer spends `step` ms per batch, either awaiting (as for a
// device: the thread is free meanwhile) or computing synchronously (as a CPU backend does: the thread is busy). Each
// run times the epoch and, separately, how long the consumer waited for the loader (`await next()`): that wait is the
// loader time left exposed. Serial (sync iterator), main-thread prefetch and worker threads are compared.

import { cpus, loadavg } from 'node:os';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { Generator } from '@lantern/tensor';
import { DataLoader, threadWorkers } from '../src/node.js';
import { syntheticCifar } from './cifar-pipeline.js';

await registerCpuBackend();

const batchSize = 128;
const batches = Number(process.env.BENCH_BATCHES ?? 30);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const workerScript = process.argv[2]!;
const dataset = syntheticCifar(10_000, 0n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

const modes = ['serial', 'prefetch', 'workers-1', 'workers-2'] as const;
type Mode = (typeof modes)[number];
type Style = 'await' | 'compute';

function makeLoader(mode: Mode) {
  const options = { batchSize, shuffle: true, generator: new Generator().manualSeed(0), dropLast: true };
  if (!mode.startsWith('workers')) return new DataLoader(dataset, options);
  return new DataLoader(dataset, { ...options, workers: threadWorkers(workerScript, { count: mode === 'workers-1' ? 1 : 2 }) });
}

/** ms per batch for the whole loop, and ms per batch the consumer spent waiting for the loader. */
async function run(mode: Mode, step: number, style: Style): Promise<{ total: number; waited: number }> {
  const loader = makeLoader(mode);
  if (mode.startsWith('workers')) for await (const _ of loader) break; // start the workers (and build their datasets) untimed
  const iterator: Iterator<unknown> | AsyncIterator<unknown> =
    mode === 'serial' ? loader[Symbol.iterator]() : loader[Symbol.asyncIterator]();
  let waited = 0;
  const start = performance.now();
  for (let count = 0; count < batches; count++) {
    const asked = performance.now();
    await iterator.next();
    waited += performance.now() - asked;
    if (style === 'await') await sleep(step);
    else busy(step);
  }
  const total = performance.now() - start;
  await iterator.return?.();
  await loader.close();
  return { total: total / batches, waited: waited / batches };
}

await run('serial', 0, 'compute'); // warm-up: JIT-compile the transforms before anything is timed
let load = Infinity;
for (let i = 0; i < repeats; i++) load = Math.min(load, (await run('serial', 0, 'compute')).total);
const step = Math.round(load);

console.log(
  `batch ${batchSize}, RandomCrop(32, pad 4) + HorizontalFlip + ToTensor + Normalize; ${batches} batches per run, best of ${repeats} interleaved runs`,
);
console.log(`${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at start (other processes share them)`);
console.log(
  `loader alone: ${load.toFixed(1)} ms/batch; consumer step: ${step} ms/batch (serial ideal ${(step + load).toFixed(1)}, fully hidden ${Math.max(step, load).toFixed(1)})\n`,
);
console.log('| consumer | loader | ms/batch | waited for loader, ms/batch | loader time hidden |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const style of ['await', 'compute'] as Style[]) {
  const best = new Map<Mode, { total: number; waited: number }>();
  // Rounds go through every mode in turn, so a burst of load from other processes hits all modes alike.
  for (let round = 0; round < repeats; round++) {
    for (const mode of modes) {
      const result = await run(mode, step, style);
      if (result.total < (best.get(mode)?.total ?? Infinity)) best.set(mode, result);
    }
  }
  const serialWait = best.get('serial')!.waited;
  for (const mode of modes) {
    const { total, waited } = best.get(mode)!;
    const hidden = Math.min(Math.max(1 - waited / serialWait, 0), 1);
    console.log(
      `| ${style === 'await' ? 'awaits' : 'computes'} ${step} ms | ${mode} | ${total.toFixed(1)} | ${waited.toFixed(1)} | ${(hidden * 100).toFixed(0)}% |`,
    );
  }
}
