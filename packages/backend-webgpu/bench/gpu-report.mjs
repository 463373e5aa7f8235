// One report of the webgpu backend on whatever adapter this machine has: large square matmuls against the FP32 peak,
// the course CNN's three convolutions (forward, input gradient, weight gradient) through the fast kernels, and course
// CNN training in images/s on webgpu beside Lantern-wasm on every CPU core, from one process.
// Build first (pnpm build); `node bench/pack-device-run.mjs` bundles it for a GPU machine without Node.
// Usage: node bench/gpu-report.mjs [--quick] [--json report.json] [--fp32-peak-tflops 67] [--only matmul,conv,train]
//          [--budget-seconds 420] [--min-seconds 1] [--wasm-threads n] [--probe]
//   --quick   small sizes for a software driver (lavapipe): a check that everything runs, not a speed figure.
//   --probe   print the adapter and exit (run.sh uses it to diagnose a machine where no adapter is found).
// Every figure is the mean of a timed loop of at least --min-seconds that reads back once, after its last call, so the
// GPU's time counts; the calls are doubled until the loop lasts that long. Measurements that would start after
// --budget-seconds are skipped and marked so, and the JSON file is rewritten after each section, so a run cut short
// still leaves what it measured.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { getSimdVariant, registerWasmBackend, setThreads, threadsReady } from '@lantern/backend-wasm';
import { registerWebGPUBackend } from '@lantern/backend-webgpu';
import { emptyTensor, Generator, getBackend, getFastKernel, randn } from '@lantern/tensor';
import { createParameters, initialParameters, randomBatch, trainingFlopsPerImage, trainStep } from './course-cnn.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const argument = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
const quick = flag('quick');
const settings = {
  matmulSizes: quick ? [128, 256, 512] : [1024, 2048, 4096],
  convolutionBatches: quick ? [4, 16] : [256, 1024],
  webgpuTrainingBatches: quick ? [8, 16, 32] : [64, 256, 1024],
  wasmTrainingBatches: quick ? [8, 16] : [64, 256],
  minSeconds: Number(argument('min-seconds', quick ? '0.2' : '1')),
  trainingWarmup: quick ? 1 : 3,
  budgetSeconds: Number(argument('budget-seconds', '420')),
  wasmThreads: Number(argument('wasm-threads', String(os.availableParallelism()))),
  sections: argument('only', 'matmul,conv,train').split(','),
};
const jsonPath = argument('json', null);
const started = performance.now();

/** FP32 (non-tensor-core) peaks from NVIDIA's datasheets, matched against the adapter's description; first match wins. */
const datasheetPeaks = [
  { pattern: /H100.*PCIe/i, tflops: 51.2, model: 'H100 PCIe' },
  { pattern: /H[12]00.*NVL/i, tflops: 60, model: 'H100 NVL / H200 NVL' },
  { pattern: /H100|H200/i, tflops: 67, model: 'H100 SXM / H200 SXM' },
];

function fp32Peak(adapterDescription) {
  const given = argument('fp32-peak-tflops', null);
  if (given !== null) return { tflops: Number(given), source: '--fp32-peak-tflops' };
  const known = datasheetPeaks.find(({ pattern }) => pattern.test(adapterDescription));
  if (known) return { tflops: known.tflops, source: `NVIDIA datasheet, ${known.model}` };
  return { tflops: null, source: 'unknown adapter: pass --fp32-peak-tflops <n> for a percentage' };
}

const machine = { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version };
const report = { started: new Date().toISOString(), quick, ...machine, settings, matmul: [], convolutions: [], training: [] };
const saveJson = () => jsonPath && writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
const progress = (line) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`);
const overBudget = () => (performance.now() - started) / 1000 > settings.budgetSeconds;

let backend;
try {
  backend = await registerWebGPUBackend({ powerPreference: 'high-performance' });
} catch (error) {
  report.error = String(error?.message ?? error);
  saveJson();
  console.log(`# Lantern webgpu report\n\nNo WebGPU adapter: ${report.error}`);
  process.exit(1);
}
report.adapter = backend.adapterDescription;
report.fp32Peak = fp32Peak(report.adapter);
console.log(`# Lantern webgpu report${quick ? ' (--quick: small sizes, not a speed figure)' : ''}\n`);
console.log(`- adapter: ${report.adapter}`);
console.log(`- CPU: ${report.cpus} × ${report.cpuModel}; Node ${report.node}`);
const peakText = report.fp32Peak.tflops === null ? '–' : `${report.fp32Peak.tflops} TFLOP/s`;
console.log(`- FP32 peak: ${peakText} (${report.fp32Peak.source})`);
saveJson();
if (flag('probe')) process.exit(0);

const percentOfPeak = (gflops) =>
  report.fp32Peak.tflops === null ? '–' : `${((gflops / (report.fp32Peak.tflops * 1000)) * 100).toFixed(1)}%`;

/**
 * Seconds per call of `step` (which records work, and on the GPU only records it), `finish` reading back once after
 * the last call of each timed loop. One warm-up loop (pipeline compilation, buffer pool), then loops of 1, 2, 4, ...
 * calls (or more, from the last loop's rate) until one lasts `minSeconds` or reaches `maxCalls`.
 */
async function secondsPerCall(step, finish, { warmup = 1, maxCalls = 1000 } = {}) {
  for (let call = 0; call < warmup; call++) step();
  await finish();
  for (let calls = 1; ; ) {
    const start = performance.now();
    for (let call = 0; call < calls; call++) step();
    await finish();
    const seconds = (performance.now() - start) / 1000;
    if (seconds >= settings.minSeconds || calls >= maxCalls) return { seconds: seconds / calls, calls };
    const factor = Math.min(10, Math.max(2, Math.ceil((1.2 * settings.minSeconds) / Math.max(seconds, 1e-6))));
    calls = Math.min(maxCalls, calls * factor);
  }
}

/** Runs one measurement unless the budget is spent; a failure is recorded in the row rather than ending the report. */
async function measured(rows, row, measure) {
  try {
    const result = overBudget() ? { skipped: `past --budget-seconds ${settings.budgetSeconds}` } : await measure();
    rows.push({ ...row, ...result });
  } catch (error) {
    rows.push({ ...row, error: String(error?.message ?? error) });
  }
  progress(JSON.stringify(rows.at(-1)));
}

/** Reads one row of a GPU tensor: waits for all recorded work before it (one queue) while copying back 1 row only. */
async function readFirstRow(tensor) {
  const row = tensor.narrow(0, 0, 1);
  await row.data();
  row.dispose();
}

async function measureMatmul() {
  for (const size of settings.matmulSizes) {
    await measured(report.matmul, { size }, async () => {
      const generator = new Generator(size);
      const a = randn([size, size], { backend: 'webgpu', generator });
      const b = randn([size, size], { backend: 'webgpu', generator });
      let product = null;
      const step = () => {
        product?.dispose();
        product = a.matmul(b);
      };
      const { seconds, calls } = await secondsPerCall(step, () => readFirstRow(product));
      for (const tensor of [a, b, product]) tensor.dispose();
      const gflops = (2 * size ** 3) / seconds / 1e9;
      return { milliseconds: seconds * 1000, calls, gflops, percentOfPeak: percentOfPeak(gflops) };
    });
  }
}

const convolutionLayers = [
  { layer: 'conv1 3→32, 32×32', channels: 3, outChannels: 32, size: 32 },
  { layer: 'conv2 32→32, 16×16', channels: 32, outChannels: 32, size: 16 },
  { layer: 'conv3 32→64, 8×8', channels: 32, outChannels: 64, size: 8 },
];
const convolutionAttributes = { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 };

async function measureConvolutions() {
  const gpu = getBackend('webgpu');
  const view = (tensor) => tensor.kernelView('gpu-report', gpu);
  for (const batch of settings.convolutionBatches) {
    for (const { layer, channels, outChannels, size } of convolutionLayers) {
      const generator = new Generator(batch + channels);
      const create = (shape) => randn(shape, { backend: 'webgpu', generator });
      const input = create([batch, channels, size, size]);
      const weight = create([outChannels, channels, 5, 5]);
      const bias = create([outChannels]);
      const gradOutput = create([batch, outChannels, size, size]);
      const output = emptyTensor(gradOutput.shape, 'float32', gpu);
      const gradInput = emptyTensor(input.shape, 'float32', gpu);
      const gradWeight = emptyTensor(weight.shape, 'float32', gpu);
      const kernels = {
        forward: [output, () => [view(input), view(weight), view(bias), view(output)], 'conv2d'],
        'input gradient': [gradInput, () => [view(gradOutput), view(weight), view(gradInput)], 'conv2dBackwardInput'],
        'weight gradient': [gradWeight, () => [view(gradOutput), view(input), view(gradWeight)], 'conv2dBackwardWeight'],
      };
      // The direct loops' multiply-adds, the same count for all three kernels at stride 1 with 'same' padding.
      const flops = 2 * batch * outChannels * size * size * channels * 25;
      for (const [kernel, [result, views, name]] of Object.entries(kernels)) {
        await measured(report.convolutions, { layer, kernel, batch }, async () => {
          const run = getFastKernel(gpu, name);
          const inputs = views();
          const step = () => run(...inputs, convolutionAttributes);
          const { seconds, calls } = await secondsPerCall(step, () => readFirstRow(result));
          const gflops = flops / seconds / 1e9;
          return { milliseconds: seconds * 1000, calls, gflops, percentOfPeak: percentOfPeak(gflops) };
        });
      }
      for (const tensor of [input, weight, bias, gradOutput, output, gradInput, gradWeight]) tensor.dispose();
    }
  }
}

/** Course CNN training on `backendName`: every step uploads its batch, runs forward, backward and the SGD update. */
async function trainingRate(backendName, batchSize) {
  const parameters = createParameters(initialParameters(new Generator(0)), backendName);
  const data = new Generator(1);
  // Distinct batches made up front, so host-side random numbers are not part of the timing.
  const batches = Array.from({ length: 4 }, () => randomBatch(data, batchSize));
  let loss = null;
  let stepIndex = 0;
  let finalLoss = Number.NaN;
  const step = () => {
    loss?.dispose();
    loss = trainStep(parameters, batches[stepIndex++ % batches.length]);
  };
  const finish = async () => {
    finalLoss = (await loss.data())[0];
  };
  const { seconds, calls } = await secondsPerCall(step, finish, { warmup: settings.trainingWarmup, maxCalls: 200 });
  loss.dispose();
  for (const parameter of parameters) parameter.dispose();
  const imagesPerSecond = batchSize / seconds;
  return { imagesPerSecond, steps: calls, finalLoss, gflops: (imagesPerSecond * trainingFlopsPerImage()) / 1e9 };
}

async function measureTraining() {
  const rows = [];
  for (const batch of settings.webgpuTrainingBatches)
    await measured(rows, { backend: 'webgpu', batch }, () => trainingRate('webgpu', batch));
  await measured(rows, { backend: 'wasm', setup: true }, async () => {
    await registerWasmBackend();
    setThreads(settings.wasmThreads);
    await threadsReady();
    report.wasm = { threads: settings.wasmThreads, simd: getSimdVariant() };
    return {};
  });
  if (report.wasm) {
    for (const batch of settings.wasmTrainingBatches)
      await measured(rows, { backend: 'wasm', batch }, () => trainingRate('wasm', batch));
  }
  report.training = rows.filter((row) => !row.setup || row.error || row.skipped);
}

const cell = (row, key, digits = 1) => {
  if (row === undefined) return 'not measured';
  if (row.skipped) return 'skipped (time budget)';
  if (row.error) return `error: ${row.error.slice(0, 120)}`;
  return typeof row[key] === 'number' ? row[key].toFixed(digits) : String(row[key]);
};

/** A markdown table: `columns` are [header, cell of a row]; the first `leftAligned` columns are text, the rest align right. */
function printTable(title, columns, rows, leftAligned = 0) {
  console.log(`\n## ${title}\n\n| ${columns.map(([header]) => header).join(' | ')} |`);
  console.log(`| ${columns.map((_, index) => (index < leftAligned ? '---' : '---:')).join(' | ')} |`);
  for (const row of rows) console.log(`| ${columns.map(([, value]) => value(row)).join(' | ')} |`);
}

const timingColumns = [
  ['ms per call', (row) => cell(row, 'milliseconds', 2)],
  ['GFLOP/s', (row) => cell(row, 'gflops')],
  ['% of FP32 peak', (row) => cell(row, 'percentOfPeak')],
  ['timed calls', (row) => cell(row, 'calls', 0)],
];
const printMatmul = () =>
  printTable('matmul (square, float32, through core ops)', [['n', (row) => row.size], ...timingColumns], report.matmul);
const printConvolutions = () =>
  printTable(
    'Course CNN convolutions (5×5, padding 2, the webgpu fast kernels; FLOPs of the direct loops)',
    [['layer', (row) => row.layer], ['kernel', (row) => row.kernel], ['batch', (row) => row.batch], ...timingColumns],
    report.convolutions,
    2,
  );

function printTraining() {
  const find = (backendName, batch) => report.training.find((row) => row.backend === backendName && row.batch === batch);
  const rows = settings.webgpuTrainingBatches.map((batch) => ({ batch, gpu: find('webgpu', batch), cpu: find('wasm', batch) }));
  const ratio = ({ gpu, cpu }) =>
    gpu?.imagesPerSecond && cpu?.imagesPerSecond ? `${(gpu.imagesPerSecond / cpu.imagesPerSecond).toFixed(2)}×` : '';
  const wasm = report.wasm ? `wasm ${report.wasm.threads} threads (${report.wasm.simd})` : 'wasm';
  printTable(
    `Course CNN training, images/s (${(trainingFlopsPerImage() / 1e6).toFixed(1)} MFLOP per image per step)`,
    [
      ['batch', (row) => row.batch],
      ['webgpu images/s', (row) => cell(row.gpu, 'imagesPerSecond')],
      ['webgpu GFLOP/s', (row) => cell(row.gpu, 'gflops', 2)],
      ['webgpu final loss', (row) => cell(row.gpu, 'finalLoss', 4)],
      [`${wasm} images/s`, (row) => cell(row.cpu, 'imagesPerSecond')],
      ['webgpu / wasm', ratio],
    ],
    rows,
  );
  const setup = report.training.find((row) => row.setup);
  if (setup) console.log(`\nwasm backend: ${cell(setup, 'none')}`);
}

const sections = [
  ['matmul', measureMatmul, printMatmul],
  ['conv', measureConvolutions, printConvolutions],
  ['train', measureTraining, printTraining],
];
for (const [name, measure, print] of sections) {
  if (!settings.sections.includes(name)) continue;
  progress(`section ${name}`);
  await measure();
  print();
  saveJson();
}
const memory = backend.memory();
report.seconds = (performance.now() - started) / 1000;
report.gpuMemory = memory;
saveJson();
console.log(
  `\nTotal ${report.seconds.toFixed(0)} s. webgpu buffer pool: ${memory.buffersCreated} buffers created, ` +
    `${(memory.bytesPooled / 2 ** 20).toFixed(1)} MiB idle; ${memory.pipelines} pipelines.`,
);
backend.destroy();
// The wasm workers and Dawn's handles are not what a report should wait on: stdout is a pipe or file (synchronous).
process.exit(0);
