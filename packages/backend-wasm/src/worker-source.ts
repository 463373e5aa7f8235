import { control } from './tasks.js';

/**
 * The worker's whole program, as source text: workers are started from it (worker_threads `eval`, or a Blob URL in
 * browsers), so they need no separate file next to the bundle. Each worker instantiates the shared module over the
 * shared memory, then loops: spin for a while, then sleep on the generation word, and claim chunks of each new
 * dispatch until none are left. It must stay plain ES2020 script code.
 */
export const workerSource = `'use strict';
const isNode = typeof process === 'object' && !!(process.versions && process.versions.node);
const port = isNode ? require('node:worker_threads').parentPort : self;
const C = ${JSON.stringify(control)};
function start({ module, memory, controlAddress, thread, tasks, spinMilliseconds }) {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const run = tasks.map((name) => instance.exports[name]);
  const state = new Int32Array(memory.buffer, controlAddress, 16);
  let seen = Atomics.load(state, C.generation);
  Atomics.add(state, C.ready, 1);
  for (;;) {
    let generation = Atomics.load(state, C.generation);
    let spinStart = performance.now();
    for (let spins = 0; generation === seen; generation = Atomics.load(state, C.generation)) {
      if ((++spins & 1023) !== 0 || performance.now() - spinStart < spinMilliseconds) continue;
      Atomics.add(state, C.sleepers, 1);
      Atomics.wait(state, C.generation, seen);
      Atomics.sub(state, C.sleepers, 1);
      spinStart = performance.now();
    }
    seen = generation;
    if (thread >= Atomics.load(state, C.active)) continue;
    const tag = generation & 0xffff;
    for (;;) {
      const claim = Atomics.load(state, C.claim);
      if ((claim >>> 16) !== tag || (claim & 0xffff) === 0) break;
      if (Atomics.compareExchange(state, C.claim, claim, claim - 1) !== claim) continue;
      try {
        run[Atomics.load(state, C.task)]((claim & 0xffff) - 1, thread, Atomics.load(state, C.args));
      } catch (error) {
        Atomics.store(state, C.failed, 1);
        port.postMessage({ error: String(error && error.stack || error) });
      }
      Atomics.add(state, C.workerChunks, 1);
      const total = Atomics.load(state, C.total);
      if (Atomics.add(state, C.done, 1) + 1 === total) Atomics.notify(state, C.done);
    }
  }
}
if (isNode) port.once('message', start);
else self.onmessage = (event) => start(event.data);
`;
