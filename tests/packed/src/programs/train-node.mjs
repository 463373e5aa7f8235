// Node ESM: the course CNN on the cpu backend, then on the wasm backend with 2 threads; prints one JSON line.
import '@lantern/backend-cpu';
import { getThreads, setThreads, threadingUnavailableReason, threadStats, threadsReady } from '@lantern/backend-wasm';
import { trainCourseCnn } from './course-training.mjs';

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
