// Bundled for the browser test (src/browser.test.ts): the same checks run on a page's main thread and inside a
// module Web Worker, and report back as plain data.

import { conv2d, ones, setBackend } from '@lantern/tensor';
import {
  getSimdVariant,
  getThreads,
  registerWasmBackend,
  setThreads,
  threadingUnavailableReason,
  threadStats,
  threadsReady,
} from '../index.js';

await registerWasmBackend();

export async function check(): Promise<Record<string, unknown>> {
  setBackend('wasm');
  setThreads(2);
  await threadsReady();
  // All-ones input and weights: every output pixel away from the border sums 3 * 5 * 5 ones.
  const before = threadStats().workerChunks;
  let centre = 0;
  for (let repeat = 0; repeat < 20; repeat++) {
    const output = conv2d(ones([8, 3, 32, 32]), ones([32, 3, 5, 5]), null, { padding: 2 });
    centre = output.dataSync()[16 * 32 + 16]!;
    output.dispose();
  }
  // 8 input channels take the Winograd kernels (5×5 and 3×3): centres of 8·25 and 8·9 ones, to float32 rounding.
  const winograd = [
    [5, 2],
    [3, 1],
  ].map(([size, padding]) => {
    const output = conv2d(ones([2, 8, 16, 16]), ones([8, 8, size!, size!]), null, { padding: padding! });
    const value = output.dataSync()[8 * 16 + 8]!;
    output.dispose();
    return value;
  });
  return {
    threads: getThreads(),
    simd: getSimdVariant(),
    reason: threadingUnavailableReason(),
    centre,
    winograd,
    workerChunks: threadStats().workerChunks - before,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? false,
  };
}

const scope = globalThis as unknown as { document?: unknown; postMessage?: (message: unknown) => void; onmessage?: unknown };
if (scope.document === undefined && typeof scope.postMessage === 'function') {
  check().then(
    (result) => scope.postMessage!(result),
    (error) => scope.postMessage!({ error: String(error) }),
  );
}
