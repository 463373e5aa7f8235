// `pnpm bench -- [--backends cpu,wasm,…] [--batch-sizes 1,64] [--threads N] [--steps N] [--rounds N] [--no-compile] [--json]`:
// trains the course CNN for a fixed number of steps on each backend and, when Debian's python3-torch is installed, PyTorch on
// the same shapes in the same run, then prints images/s and the ratio to PyTorch. Speed lives here, never in tests.
// Lantern is measured compiled (compile(), as the trainer trains) and eager, unless --no-compile asks for eager only.
// Each round measures every system once, in turn; the best round of each is reported, so a burst of load from a
// neighbour on a shared machine, which only ever slows a measurement down, does not decide the ratio.

import { setBackend } from '@lantern/tensor';
import { Command } from 'commander';
import { loadBackend } from './backends.js';
import { backendNames, integer, type TrainerOptions } from './options.js';
import { type Measurement, measurePytorch } from './pytorch-reference.js';
import { measureTfjsWebgpu } from './tfjs-webgpu-reference.js';
import { courseOnRandomData, createTrainStep } from './train-step.js';

const defaultSteps = (batchSize: number) => Math.max(5, Math.round(300 / batchSize));

/**
 * Images/s of Lantern training the course CNN on random data: one second of warm-up, then `steps` timed ones; with
 * `compiled`, through compile() (traced during the warm-up, replayed while timed), as the trainer runs by default.
 */
export async function measureLantern(
  backend: TrainerOptions['backend'],
  batchSize: number,
  threads: number,
  steps: number,
  compiled = true,
): Promise<Measurement> {
  await loadBackend(backend, threads);
  setBackend(backend);
  const { parts, images, labels } = courseOnRandomData(batchSize);
  const trainStep = createTrainStep(parts, compiled);
  const step = () => trainStep(images, labels);
  // Warm up for a second (V8 tiers up the JS and the wasm), then time.
  for (const warmUpEnd = performance.now() + 1000; performance.now() < warmUpEnd; ) await step().data();
  const start = performance.now();
  let last = step();
  for (let i = 1; i < steps; i++) {
    last.dispose();
    last = step();
  }
  await last.data(); // an asynchronous device has finished every step once the last loss is read
  const seconds = (performance.now() - start) / 1000;
  last.dispose();
  trainStep.dispose?.();
  const system = `lantern-${backend}${compiled ? '' : '-eager'}`;
  return { system, batchSize, threads, imagesPerSecond: (steps * batchSize) / seconds };
}

async function main(argv: string[]): Promise<void> {
  const list = (value: string) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const options = new Command('bench')
    .option('--backends <list>', `comma-separated, of ${backendNames.join(', ')}`, list, ['cpu'])
    .option('--batch-sizes <list>', 'comma-separated batch sizes', (v) => list(v).map(Number), [1, 64])
    .option('--threads <n>', 'threads for Lantern backends that use them and for PyTorch', integer('--threads', 1), 2)
    .option('--steps <n>', 'timed steps per measurement (default: about 300 images, at least 5 steps)', integer('--steps', 1))
    .option('--rounds <n>', 'alternating rounds; each system reports its best', integer('--rounds', 1), 3)
    .option('--no-compile', 'measure eager steps only (by default both compiled and eager steps are measured)')
    .option('--json', 'one JSON line per measurement', false)
    .parse(argv[0] === '--' ? argv.slice(1) : argv, { from: 'user' })
    .opts<{
      backends: string[];
      batchSizes: number[];
      threads: number;
      steps?: number;
      rounds: number;
      compile: boolean;
      json: boolean;
    }>();
  const modes = options.compile ? [true, false] : [false];
  const rows: Array<Measurement & { ratio?: number; vsTfjsWebgpu?: number }> = [];
  for (const batchSize of options.batchSizes) {
    const steps = options.steps ?? defaultSteps(batchSize);
    const best = new Map<string, Measurement>();
    const keep = (row: Measurement | null) => {
      const current = row && best.get(row.system);
      if (row && (!current || row.imagesPerSecond > current.imagesPerSecond)) best.set(row.system, row);
    };
    for (let round = 0; round < options.rounds; round++) {
      keep(measurePytorch(batchSize, options.threads, steps));
      for (const backend of options.backends)
        for (const compiled of modes)
          keep(await measureLantern(backend as TrainerOptions['backend'], batchSize, options.threads, steps, compiled));
      // TensorFlow.js's own webgpu backend on the same adapter: the anchor for Lantern's WebGPU kernels.
      if (options.backends.includes('webgpu')) keep(await measureTfjsWebgpu(batchSize, steps));
    }
    const reference = best.get('pytorch') ?? null;
    const tfjsWebgpu = best.get('tfjs-webgpu');
    const measured = [...best.values()].filter((row) => row !== reference);
    for (const row of reference ? [reference, ...measured] : measured) {
      const withRatio = {
        ...row,
        ...(reference ? { ratio: row.imagesPerSecond / reference.imagesPerSecond } : {}),
        ...(tfjsWebgpu && row.system.startsWith('lantern-webgpu')
          ? { vsTfjsWebgpu: row.imagesPerSecond / tfjsWebgpu.imagesPerSecond }
          : {}),
      };
      rows.push(withRatio);
      if (options.json) console.log(JSON.stringify(withRatio));
    }
  }
  if (options.json) return;
  if (!rows.some((row) => row.system === 'pytorch')) console.log('(python3-torch not installed: no PyTorch reference)');
  const ratio = (value: number | undefined) => (value === undefined ? ''.padStart(12) : `${value.toFixed(2).padStart(11)}×`);
  console.log('system                  batch  threads  images/s  vs PyTorch  vs tfjs-webgpu');
  for (const row of rows) {
    console.log(
      `${row.system.padEnd(24)}${String(row.batchSize).padStart(5)}${String(row.threads).padStart(9)}` +
        `${row.imagesPerSecond.toFixed(1).padStart(10)}${ratio(row.ratio)}${row.vsTfjsWebgpu === undefined ? '' : ratio(row.vsTfjsWebgpu)}`.trimEnd(),
    );
  }
}

await main(process.argv.slice(2));
