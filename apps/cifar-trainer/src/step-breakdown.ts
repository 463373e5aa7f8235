// `node apps/cifar-trainer/dist/step-breakdown.js [--backend wasm] [--batch-size 1] [--threads 2] [--steps 300]
// [--per-kernel]`
// (after `pnpm bench` or a build): where the time of one training step of the course CNN goes, compiled and eager.
// Every backend call (primitives, fast kernels, allocation) is timed by a wrapper installed before the step is first
// traced, so replays run through it too; what remains of the step's time is JavaScript outside the kernels (tensor
// objects, autograd, dispatch). The wrappers themselves add about 0.1 µs a call, counted as kernel time.

import {
  type Backend,
  type FastKernelName,
  fastKernelNames,
  getBackend,
  registerFastKernel,
  setBackend,
  unregisterFastKernel,
} from '@lantern/tensor';
import { Command } from 'commander';
import { loadBackend } from './backends.js';
import { backendNames, integer, type TrainerOptions } from './options.js';
import { courseOnRandomData, createTrainStep } from './train-step.js';

const categories: Record<string, string> = {
  conv2d: 'convolutions',
  conv2dBackwardInput: 'convolutions',
  conv2dBackwardWeight: 'convolutions',
  matmul: 'matmul (Linear)',
  maxPool2d: 'pooling',
  maxPool2dBackward: 'pooling',
  softmaxCrossEntropy: 'cross entropy',
  sgdUpdate: 'optimizer update',
  allocate: 'allocate, free, write',
  free: 'allocate, free, write',
  write: 'allocate, free, write',
};
const category = (name: string) => categories[name] ?? 'elementwise, reductions, copies';
/** With `--per-kernel`: the call's name and the shape of its first shaped argument, e.g. `conv2d [64,3,32,32]`. */
const kernelKey = (name: string, args: unknown[]) => {
  const shaped = args.find((arg) => Array.isArray((arg as { shape?: unknown } | null)?.shape)) as { shape: number[] } | undefined;
  return shaped ? `${name} [${shaped.shape.join(',')}]` : name;
};
const backendMethods = [
  'unary',
  'binary',
  'where',
  'reduce',
  'copy',
  'fill',
  'matmul',
  'elementwiseProgram',
  'allocate',
  'free',
  'write',
];

/** Wraps every method and fast kernel of `backend` with a timer adding into `spent` (outermost calls only). */
function instrument(backend: Backend, spent: Map<string, number>, perKernel: boolean): void {
  let depth = 0;
  const timed =
    <Args extends unknown[], Result>(name: string, run: (...args: Args) => Result) =>
    (...args: Args): Result => {
      if (depth > 0) return run(...args);
      depth++;
      const start = performance.now();
      try {
        return run(...args);
      } finally {
        depth--;
        const key = perKernel ? kernelKey(name, args) : category(name);
        spent.set(key, (spent.get(key) ?? 0) + performance.now() - start);
      }
    };
  const methods = backend as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>;
  for (const name of backendMethods) {
    const method = methods[name];
    if (method) methods[name] = timed(name, method.bind(backend));
  }
  for (const name of fastKernelNames) {
    const kernel = unregisterFastKernel(backend.name, name);
    if (kernel)
      registerFastKernel(backend.name, name as FastKernelName, timed(name, kernel as (...args: unknown[]) => void) as never);
  }
}

async function main(argv: string[]): Promise<void> {
  const options = new Command('step-breakdown')
    .option('--backend <name>', `one of ${backendNames.join(', ')}`, 'wasm')
    .option('--batch-size <n>', 'images per step', integer('--batch-size', 1), 1)
    .option('--threads <n>', 'threads for wasm', integer('--threads', 1), 2)
    .option('--steps <n>', 'timed steps per mode', integer('--steps', 1), 300)
    .option('--per-kernel', 'one row per kernel and input shape instead of per category', false)
    .parse(argv[0] === '--' ? argv.slice(1) : argv, { from: 'user' })
    .opts<{ backend: TrainerOptions['backend']; batchSize: number; threads: number; steps: number; perKernel: boolean }>();
  await loadBackend(options.backend, options.threads);
  setBackend(options.backend);
  const spent = new Map<string, number>();
  instrument(getBackend(), spent, options.perKernel);
  const { parts, images, labels } = courseOnRandomData(options.batchSize);
  const eager = createTrainStep(parts, false);
  const compiled = createTrainStep(parts, true);
  for (const [mode, step] of [
    ['compiled', compiled],
    ['eager', eager],
    ['compiled', compiled],
    ['eager', eager],
  ] as const) {
    for (const end = performance.now() + 1000; performance.now() < end; ) step(images, labels).dispose();
    spent.clear();
    const start = performance.now();
    for (let i = 0; i < options.steps; i++) step(images, labels).dispose();
    const total = (performance.now() - start) / options.steps;
    const kernels = [...spent.values()].reduce((sum, ms) => sum + ms, 0) / options.steps;
    console.log(`${mode}: ${(total * 1000).toFixed(0)} µs a step (${((options.batchSize / total) * 1000).toFixed(0)} images/s)`);
    const rows = [...spent].sort((a, b) => b[1] - a[1]).map(([name, ms]) => [name, ms / options.steps] as const);
    for (const [name, ms] of [...rows, ['JavaScript outside the kernels', total - kernels] as const]) {
      console.log(`  ${name.padEnd(44)}${(ms * 1000).toFixed(0).padStart(7)} µs ${((100 * ms) / total).toFixed(1).padStart(5)}%`);
    }
  }
}

await main(process.argv.slice(2));
