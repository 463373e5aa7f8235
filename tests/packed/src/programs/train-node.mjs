// Node ESM: the course CNN on the cpu backend, then on the wasm backend with 2 threads; prints one JSON line.
import { registerCpuBackend } from '@lantern/backend-cpu';
import {
  getThreads,
  registerWasmBackend,
  setThreads,
  threadingUnavailableReason,
  threadStats,
  threadsReady,
} from '@lantern/backend-wasm';
import { trainCourseCnn } from './course-training.mjs';

await registerCpuBackend();
await registerWasmBackend();

const cpu = await trainCourseCnn('cpu');
setThreads(2);
await threadsReady();
const before = threadStats().workerChunks;
const wasm = await trainCourseCnn('wasm');
console.log(
  JSON.stringify({
    node: process.version,
    cpu,
    wasm,
    threads: getThreads(),
    threadingUnavailableReason: threadingUnavailableReason(),
    workerChunks: threadStats().workerChunks - before,
  }),
);
