import { BackendError } from '@lantern/tensor';
import type { LinearAllocator } from './allocator.js';
import { argumentBytes, realsOffset } from './bridge/declaration.js';
import { type TaskDispatcher, taskNames } from './generated/bridge.gen.js';
import { workerSource } from './generated/worker-source.gen.js';
import type { WasmRuntime } from './runtime.js';
import { claimChunk, control, controlWords, maximumChunks, openingClaim } from './worker/chunk-claim.js';
import type { WorkerInit, WorkerReport } from './worker/worker-main.js';

interface WorkerHandle {
  terminate(): unknown;
}

// How long an idle worker spins before it sleeps. A sleeping worker takes tens of microseconds (far more on a busy
// machine) to wake, longer than a batch-1 kernel lasts: measured with an iteration-count spin of ~10 µs, workers took
// 1% of the chunks of 40 µs dispatches. Spinning through the gaps between a training step's kernels keeps them in;
// OpenMP runtimes spin for the same reason. The caller spins as long before sleeping on the last chunks.
const workerSpinMilliseconds = 0.3;
const mainSpinMilliseconds = 1;

/**
 * Memory-bound kernels touching fewer elements than this run on the caller alone: at batch 1 a pad or pooling pass
 * over a few 10K floats takes a few microseconds, about what waking a worker and moving its cache lines back costs.
 */
export const serialElements = 65536;

type HostKind = 'node' | 'browser-main' | 'browser-worker' | 'none';

function hostKind(): HostKind {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (process?.versions?.node) return 'node';
  if (typeof (globalThis as { document?: unknown }).document !== 'undefined') return 'browser-main';
  if (typeof (globalThis as { Worker?: unknown }).Worker === 'function') return 'browser-worker';
  return 'none';
}

function defaultThreadCount(): number {
  const host = globalThis as {
    navigator?: { hardwareConcurrency?: number };
    process?: { getBuiltinModule?: (name: string) => { availableParallelism?: () => number } | undefined };
  };
  const cores = host.process?.getBuiltinModule?.('node:os')?.availableParallelism?.() ?? host.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(cores, 16));
}

type Task = (chunk: number, thread: number, args: number) => void;

/** Each table task's exported function, by task index: a task the module does not export is named at startup. */
function resolveTasks(runtime: WasmRuntime): Task[] {
  return taskNames.map((name) => {
    const task = runtime.exports[name];
    if (typeof task !== 'function')
      throw new BackendError(`wasm: the kernels module exports no task ${name} (declared in src/bridge/task-table.ts)`);
    return task as Task;
  });
}

/**
 * Runs a kernel's chunks on the calling thread plus a pool of workers sharing one linear memory. A dispatch publishes
 * (task, args, chunk count) in a control block; every thread, the caller included, claims chunks with one
 * compare-exchange until none are left, and the caller waits (spin, then Atomics.wait) until all are done. Workers
 * that are still starting simply miss dispatches, so nothing ever waits for a worker to boot. Kernels dispatch through
 * the generated callers (src/generated/bridge.gen.ts), which write the task's named arguments into their slots.
 */
export class ThreadPool implements TaskDispatcher {
  private readonly workers: WorkerHandle[] = [];
  private readonly state: Int32Array;
  private readonly argsAddress: number;
  private readonly tasks: Task[];
  private generation = 0;
  private lastWorkerError = '';
  /** Why the pool cannot use workers here, or null when it can. */
  readonly unavailableReason: string | null;
  private warned = false;
  private activeThreads = 1;
  /** Chunks dispatched so far, for the workers' share. */
  dispatchedChunks = 0;

  constructor(
    private readonly runtime: WasmRuntime,
    allocator: LinearAllocator,
  ) {
    const controlAddress = allocator.allocate(controlWords * 4);
    this.state = new Int32Array(runtime.memory.buffer, controlAddress, controlWords);
    this.argsAddress = allocator.allocate(argumentBytes);
    this.tasks = resolveTasks(runtime);
    this.unavailableReason = this.checkAvailability();
    this.controlAddress = controlAddress;
  }

  private readonly controlAddress: number;

  private checkAvailability(): string | null {
    if (!this.runtime.shared) return 'SharedArrayBuffer is unavailable (browsers need cross-origin isolation: COOP/COEP headers)';
    const host = hostKind();
    if (host === 'browser-main')
      return "Atomics.wait is not allowed on a browser's main thread (run Lantern inside a Worker to use threads)";
    if (host === 'none') return 'this host has no worker threads';
    return null;
  }

  /** Threads taking part in a dispatch, the caller included. */
  get threads(): number {
    return this.activeThreads;
  }

  /**
   * Sets the thread count (the caller plus n - 1 workers). Workers beyond the count are parked, not terminated, so
   * changing it back costs nothing. Without shared memory it stays 1 and says why, once.
   */
  setThreads(count: number): void {
    if (!Number.isInteger(count) || count < 1)
      throw new BackendError(`wasm setThreads: expected a positive integer, got ${count}`);
    if (this.unavailableReason !== null) {
      if (count > 1 && !this.warned) {
        this.warned = true;
        console.warn(`@lantern/backend-wasm runs single-threaded: ${this.unavailableReason}.`);
      }
      return;
    }
    while (this.workers.length < count - 1) this.workers.push(this.startWorker(this.workers.length + 1));
    this.activeThreads = count;
    Atomics.store(this.state, control.active, count);
  }

  /** Resolves once every active worker has started (kernels never wait for this; benchmarks do). */
  async ready(): Promise<void> {
    while (Atomics.load(this.state, control.ready) < this.activeThreads - 1)
      await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Chunks that workers (rather than the calling thread) have run so far. */
  get workerChunks(): number {
    return Atomics.load(this.state, control.workerChunks);
  }

  /** Stops every worker (the pool then runs single-threaded). */
  terminate(): void {
    for (const worker of this.workers.splice(0)) worker.terminate();
    this.activeThreads = 1;
    Atomics.store(this.state, control.active, 1);
    Atomics.store(this.state, control.ready, 0);
  }

  useDefaultThreads(): void {
    this.setThreads(defaultThreadCount());
  }

  private startWorker(thread: number): WorkerHandle {
    const init: WorkerInit = {
      module: this.runtime.module,
      memory: this.runtime.memory,
      controlAddress: this.controlAddress,
      thread,
      spinMilliseconds: workerSpinMilliseconds,
    };
    if (hostKind() === 'node') {
      const process = (globalThis as unknown as { process: { getBuiltinModule(name: string): unknown } }).process;
      const { Worker } = process.getBuiltinModule('node:worker_threads') as typeof import('node:worker_threads');
      const worker = new Worker(workerSource, { eval: true });
      worker.on('message', (message: WorkerReport) => {
        this.lastWorkerError = message.error;
      });
      worker.on('error', (error) => {
        this.lastWorkerError = String(error);
      });
      worker.unref();
      worker.postMessage(init);
      return worker;
    }
    const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    const worker = new Worker(url);
    worker.onmessage = (event: MessageEvent<WorkerReport>) => {
      this.lastWorkerError = event.data.error;
    };
    worker.postMessage(init);
    return worker;
  }

  /** Writes i32 argument slot `slot` (an int, an address or a flag) of the next dispatch; the generated callers do. */
  setInt(slot: number, value: number): void {
    this.runtime.i32[(this.argsAddress >> 2) + slot] = value;
  }

  /** Writes f64 argument slot `slot` of the next dispatch. */
  setReal(slot: number, value: number): void {
    this.runtime.f64[((this.argsAddress + realsOffset) >> 3) + slot] = value;
  }

  /**
   * Runs chunks 0..count-1 of the task at index `task` of taskNames across the pool (the generated callers pass it);
   * returns when every chunk is done. `serial` keeps them on the caller: for small memory-bound kernels (padding,
   * pooling) a dispatch's handshake and the cache lines it moves between cores cost more than the second core saves.
   */
  run(task: number, count: number, serial = false): void {
    if (count <= 0) return;
    const fn = this.tasks[task];
    if (fn === undefined) throw new BackendError(`wasm: no task has index ${task} (there are ${this.tasks.length})`);
    if (count > maximumChunks)
      throw new BackendError(`wasm: ${taskNames[task]} dispatched ${count} chunks (at most ${maximumChunks})`);
    this.dispatchedChunks += count;
    if (this.activeThreads === 1 || count === 1 || serial) {
      for (let chunk = 0; chunk < count; chunk++) fn(chunk, 0, this.argsAddress);
      return;
    }
    const state = this.state;
    state[control.task] = task;
    state[control.args] = this.argsAddress;
    state[control.total] = count;
    Atomics.store(state, control.done, 0);
    Atomics.store(state, control.failed, 0);
    this.generation = (this.generation + 1) | 0;
    const generation = this.generation;
    Atomics.store(state, control.claim, openingClaim(generation, count));
    Atomics.store(state, control.generation, generation);
    if (Atomics.load(state, control.sleepers) > 0) Atomics.notify(state, control.generation);
    let failure: unknown = null;
    for (let chunk = claimChunk(state, generation); chunk >= 0; chunk = claimChunk(state, generation)) {
      try {
        fn(chunk, 0, this.argsAddress);
      } catch (error) {
        failure = error;
      }
      Atomics.add(state, control.done, 1);
    }
    const spinStart = performance.now();
    for (let spins = 1; ; spins++) {
      const done = Atomics.load(state, control.done);
      if (done === count) break;
      if ((spins & 1023) === 0 && performance.now() - spinStart > mainSpinMilliseconds)
        Atomics.wait(state, control.done, done, 50);
    }
    if (failure) throw failure;
    if (Atomics.load(state, control.failed)) {
      throw new BackendError(
        `wasm: ${taskNames[task]} failed in a worker thread${this.lastWorkerError ? `: ${this.lastWorkerError}` : ''}`,
      );
    }
  }
}
