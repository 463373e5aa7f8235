// Bundled by esbuild for the browser. In a page it starts itself as a module Web Worker (a page's main thread may not
// block in Atomics.wait, so the wasm backend's threads only run inside a worker) and publishes the worker's result
// as window.__result; inside the worker it trains the course CNN on wasm with 2 threads and posts the result back.
import {
  getThreads,
  registerWasmBackend,
  setThreads,
  threadingUnavailableReason,
  threadStats,
  threadsReady,
} from '@lantern/backend-wasm';
import { trainCourseCnn } from './course-training.mjs';

await registerWasmBackend();

async function trainInWorker() {
  setThreads(2);
  await threadsReady();
  const before = threadStats().workerChunks;
  const losses = await trainCourseCnn('wasm');
  return {
    losses,
    threads: getThreads(),
    threadingUnavailableReason: threadingUnavailableReason(),
    workerChunks: threadStats().workerChunks - before,
    workerCrossOriginIsolated: globalThis.crossOriginIsolated === true,
  };
}

if (typeof document === 'undefined') {
  trainInWorker().then(
    (result) => postMessage(result),
    (error) => postMessage({ error: String(error?.stack ?? error) }),
  );
} else {
  const worker = new Worker(import.meta.url, { type: 'module' });
  window.__result = new Promise((resolve) => {
    worker.onmessage = (event) => resolve({ ...event.data, pageCrossOriginIsolated: window.crossOriginIsolated === true });
    worker.onerror = (event) => resolve({ error: `worker failed to start: ${event.message}` });
  });
}
