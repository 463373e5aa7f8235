// Kernel throughput in GFLOP/s at the course CNN's shapes: wasm (1 and 2 threads) against the cpu backend's kernels.
//   node bench/micro.mjs [batch ...]     (default batches 1 and 64; run `pnpm build` first)
// Convolutions that take the Winograd path are measured twice, Winograd and direct (`useWinograd(false)`); both
// count the direct loops' FLOPs, so a Winograd figure is the effective rate and can exceed the machine's peak.
import { registerCpuBackend } from '@lantern/backend-cpu';
import {
  conv2dBackwardInput as cpuBackwardInput,
  conv2dBackwardWeight as cpuBackwardWeight,
  conv2d as cpuConv2d,
  gemm,
} from '@lantern/backend-cpu/kernels';
import { emptyTensor, getBackend, getFastKernel, manualSeed, randn, setBackend } from '@lantern/tensor';
import { registerWasmBackend, setThreads, threadsReady, useWinograd } from '../dist/index.js';
import { bestTime } from './timing.mjs';

await registerCpuBackend();
await registerWasmBackend();

// The layout a kernel reads: core's kernelView, checked against the tensor's own backend.
const view = (tensor) => tensor.kernelView('bench', tensor.backend);

const convLayers = [
  { name: 'conv1', channels: 3, outChannels: 32, size: 32 },
  { name: 'conv2', channels: 32, outChannels: 32, size: 16 },
  { name: 'conv3', channels: 32, outChannels: 64, size: 8 },
];
const attributes = { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 };

const typedView = (tensor) => ({
  handle: tensor.dataSync(),
  dtype: tensor.dtype,
  shape: tensor.shape,
  strides: tensor.strides,
  offset: 0,
});

function convCases(batch) {
  return convLayers.map(({ name, channels, outChannels, size }) => {
    const multiplyAdds = batch * outChannels * size * size * channels * 25;
    return { name, batch, channels, outChannels, size, flops: 2 * multiplyAdds };
  });
}

async function measureConv(layer, threadCounts) {
  setBackend('wasm');
  const { batch, channels, outChannels, size } = layer;
  const x = randn([batch, channels, size, size]),
    w = randn([outChannels, channels, 5, 5]),
    b = randn([outChannels]);
  const g = randn([batch, outChannels, size, size]);
  const out = emptyTensor([batch, outChannels, size, size], 'float32', getBackend('wasm'));
  const gradInput = emptyTensor(x.shape, 'float32', getBackend('wasm'));
  const gradWeight = emptyTensor(w.shape, 'float32', getBackend('wasm'));
  const backend = getBackend('wasm');
  const kernels = {
    forward: () => getFastKernel(backend, 'conv2d')(view(x), view(w), view(b), view(out), attributes),
    backwardInput: () => getFastKernel(backend, 'conv2dBackwardInput')(view(g), view(w), view(gradInput), attributes),
    backwardWeight: () => getFastKernel(backend, 'conv2dBackwardWeight')(view(g), view(x), view(gradWeight), attributes),
  };
  const cx = typedView(x),
    cw = typedView(w),
    cb = typedView(b),
    cg = typedView(g);
  const cOut = typedView(out),
    cGradInput = typedView(gradInput),
    cGradWeight = typedView(gradWeight);
  const cpu = {
    forward: () => cpuConv2d(cx, cw, cb, cOut, attributes),
    backwardInput: () => {
      cGradInput.handle.fill(0);
      cpuBackwardInput(cg, cw, cGradInput, attributes);
    },
    backwardWeight: () => cpuBackwardWeight(cg, cx, cGradWeight, attributes),
  };
  const rows = [];
  const winograd = () => channels % 8 === 0;
  for (const kernel of Object.keys(kernels)) {
    for (const algorithm of winograd(kernel) ? ['Winograd', 'direct'] : ['']) {
      useWinograd(algorithm !== 'direct');
      const row = { kernel: `${layer.name} ${kernel}${algorithm ? ` (${algorithm})` : ''}`, batch };
      for (const threads of threadCounts) {
        setThreads(threads);
        await threadsReady();
        row[`wasm ${threads}t`] = layer.flops / bestTime(kernels[kernel]) / 1e6;
      }
      row.cpu = layer.flops / bestTime(cpu[kernel], 100) / 1e6;
      rows.push(row);
    }
  }
  useWinograd(true);
  for (const t of [x, w, b, g, out, gradInput, gradWeight]) t.dispose();
  return rows;
}

async function measureGemm(m, n, k, threadCounts) {
  setBackend('wasm');
  const a = randn([m, k]),
    b = randn([k, n]);
  const row = { kernel: `gemm ${m}×${k}·${k}×${n}`, batch: '' };
  for (const threads of threadCounts) {
    setThreads(threads);
    await threadsReady();
    row[`wasm ${threads}t`] = (2 * m * n * k) / bestTime(() => a.matmul(b).dispose()) / 1e6;
  }
  const ad = a.dataSync(),
    bd = b.dataSync(),
    c = new Float32Array(m * n);
  row.cpu =
    (2 * m * n * k) /
    bestTime(
      () =>
        gemm(
          m,
          n,
          k,
          { data: ad, offset: 0, rowStride: k, columnStride: 1 },
          { data: bd, offset: 0, rowStride: n, columnStride: 1 },
          c,
          0,
          n,
          false,
        ),
      100,
    ) /
    1e6;
  a.dispose();
  b.dispose();
  return row;
}

manualSeed(0);
const batches = process.argv.slice(2).map(Number);
const threadCounts = [1, 2];
const rows = [
  await measureGemm(256, 256, 256, threadCounts),
  await measureGemm(64, 1024, 800, threadCounts),
  await measureGemm(64, 64, 1024, threadCounts),
];
for (const batch of batches.length ? batches : [1, 64])
  for (const layer of convCases(batch)) rows.push(...(await measureConv(layer, threadCounts)));
const columns = ['wasm 1t', 'wasm 2t', 'cpu'];
console.log(`| kernel | batch | ${columns.map((c) => `${c} GFLOP/s`).join(' | ')} | wasm 2t / cpu |`);
console.log(`| --- | ---: | ${columns.map(() => '---:').join(' | ')} | ---: |`);
for (const row of rows) {
  console.log(
    `| ${row.kernel} | ${row.batch} | ${columns.map((c) => row[c].toFixed(1)).join(' | ')} | ${(row['wasm 2t'] / row.cpu).toFixed(0)}× |`,
  );
}
