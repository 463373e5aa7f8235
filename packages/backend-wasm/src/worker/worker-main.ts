import { taskNames } from '../generated/bridge.gen.js';
import { claimChunk, control, controlWords } from './chunk-claim.js';

// A pool worker's whole program. scripts/build-wasm.mjs bundles it into one classic script
// (src/generated/worker-source.gen.ts) that the pool starts workers from: worker_threads `eval` in Node, a Blob URL in
// browsers. So it imports nothing at run time and reaches the host only through globalThis.

/** What the pool posts to a worker once, as it starts it (src/thread-pool.ts). */
export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly controlAddress: number;
  /** This worker's thread number, from 1 (the calling thread is 0). */
  readonly thread: number;
  /** How long an idle worker spins before it sleeps. */
  readonly spinMilliseconds: number;
}

/** What a worker posts back: the error a chunk (or the start) threw. */
export interface WorkerReport {
  readonly error: string;
}

type Task = (chunk: number, thread: number, args: number) => void;

interface Port {
  postMessage(message: WorkerReport): void;
}

/** Each table task's function in this worker's instance, by index; the names come from the table, not export order. */
function resolveTasks(instance: WebAssembly.Instance): Task[] {
  return taskNames.map((name) => {
    const task = instance.exports[name];
    if (typeof task !== 'function') throw new Error(`wasm worker: the kernels module exports no task ${name}`);
    return task as Task;
  });
}

/** Waits for the next dispatch: spins for a while (waking from a sleep costs more than a batch-1 kernel lasts), then sleeps. */
function nextGeneration(state: Int32Array, seen: number, spinMilliseconds: number): number {
  let generation = Atomics.load(state, control.generation);
  let spinStart = performance.now();
  for (let spins = 0; generation === seen; generation = Atomics.load(state, control.generation)) {
    if ((++spins & 1023) !== 0 || performance.now() - spinStart < spinMilliseconds) continue;
    Atomics.add(state, control.sleepers, 1);
    Atomics.wait(state, control.generation, seen);
    Atomics.sub(state, control.sleepers, 1);
    spinStart = performance.now();
  }
  return generation;
}

function serve(init: WorkerInit, port: Port): never {
  const { memory, controlAddress, thread, spinMilliseconds } = init;
  const tasks = resolveTasks(new WebAssembly.Instance(init.module, { env: { memory } }));
  const state = new Int32Array(memory.buffer, controlAddress, controlWords);
  let seen = Atomics.load(state, control.generation);
  Atomics.add(state, control.ready, 1);
  for (;;) {
    const generation = nextGeneration(state, seen, spinMilliseconds);
    seen = generation;
    if (thread >= Atomics.load(state, control.active)) continue;
    for (let chunk = claimChunk(state, generation); chunk >= 0; chunk = claimChunk(state, generation)) {
      try {
        tasks[Atomics.load(state, control.task)]!(chunk, thread, Atomics.load(state, control.args));
      } catch (error) {
        Atomics.store(state, control.failed, 1);
        port.postMessage({ error: String((error as Error | undefined)?.stack ?? error) });
      }
      Atomics.add(state, control.workerChunks, 1);
      const total = Atomics.load(state, control.total);
      if (Atomics.add(state, control.done, 1) + 1 === total) Atomics.notify(state, control.done);
    }
  }
}

function start(init: WorkerInit, port: Port): void {
  try {
    serve(init, port);
  } catch (error) {
    port.postMessage({ error: String((error as Error | undefined)?.stack ?? error) });
  }
}

interface NodeParentPort extends Port {
  once(event: 'message', listener: (init: WorkerInit) => void): void;
}

const host = globalThis as unknown as {
  process?: { versions?: { node?: string }; getBuiltinModule(name: string): { parentPort: NodeParentPort } };
  onmessage: ((event: { data: WorkerInit }) => void) | null;
  postMessage(message: WorkerReport): void;
};

if (host.process?.versions?.node) {
  const port = host.process.getBuiltinModule('node:worker_threads').parentPort;
  port.once('message', (init) => start(init, port));
} else {
  host.onmessage = (event) => start(event.data, host);
}
