// 3×3 convolutions (stride 1, padding 1) at VGG-like shapes: GFLOP/s of the Winograd F(6×6, 3×3) kernels against
// the direct ones (`useWinograd(false)`), both counting the direct loops' FLOPs, on 1 and 2 threads.
//   node bench/winograd-3x3.mjs      (run `pnpm build` first)

import { emptyTensor, getBackend, getFastKernel, manualSeed, randn, setBackend } from '@lantern/tensor';
import { registerWasmBackend, setThreads, threadsReady, useWinograd } from '../dist/index.js';
import { bestTime } from './timing.mjs';

await registerWasmBackend();

// The layout a kernel reads: core's kernelView, checked against the tensor's own backend.
const view = (tensor) => tensor.kernelView('bench', tensor.backend);

setBackend('wasm');
manualSeed(0);
const backend = getBackend('wasm'),
  attributes = { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 };
for (const threads of [1, 2]) {
  setThreads(threads);
  await threadsReady();
  for (const [C, O, S, B] of [
    [32, 32, 32, 1],
    [64, 64, 16, 1],
    [32, 32, 32, 16],
    [64, 64, 16, 32],
    [128, 128, 8, 32],
  ]) {
    const x = randn([B, C, S, S]),
      w = randn([O, C, 3, 3]),
      g = randn([B, O, S, S]);
    const y = emptyTensor([B, O, S, S], 'float32', backend),
      gi = emptyTensor(x.shape, 'float32', backend),
      gw = emptyTensor(w.shape, 'float32', backend);
    const k = {
      fwd: () => getFastKernel(backend, 'conv2d')(view(x), view(w), null, view(y), attributes),
      bi: () => getFastKernel(backend, 'conv2dBackwardInput')(view(g), view(w), view(gi), attributes),
      bw: () => getFastKernel(backend, 'conv2dBackwardWeight')(view(g), view(x), view(gw), attributes),
    };
    const flops = 2 * B * O * C * S * S * 9,
      out = [];
    for (const [name, f] of Object.entries(k)) {
      useWinograd(true);
      const wino = flops / bestTime(f, 200) / 1e6;
      useWinograd(false);
      const direct = flops / bestTime(f, 200) / 1e6;
      out.push(`${name} ${wino.toFixed(0)}/${direct.toFixed(0)}`);
    }
    useWinograd(true);
    console.log(`${threads}t ${C}→${O} ${S}×${S} batch ${B}: GFLOP/s Winograd/direct  ${out.join('  ')}`);
  }
}
process.exit(0);
