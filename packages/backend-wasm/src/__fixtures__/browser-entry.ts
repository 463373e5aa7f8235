// Bundled for the browser test (src/browser.test.ts): the same checks run on a page's main thread and inside a
// module Web Worker, and report back as plain data.
import { getThreads, setThreads, threadingUnavailableReason, threadsReady, threadStats } from '../index.js';
import { conv2d, ones, setBackend } from '@lantern/tensor';

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
  return {
    threads: getThreads(), reason: threadingUnavailableReason(), centre, workerChunks: threadStats().workerChunks - before,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? false,
  };
}

const scope = globalThis as unknown as { document?: unknown; postMessage?: (message: unknown) => void; onmessage?: unknown };
if (scope.document === undefined && typeof scope.postMessage === 'function') {
  check().then((result) => scope.postMessage!(result), (error) => scope.postMessage!({ error: String(error) }));
}
