import { WorkerError } from './errors.js';
import type { WorkerHandle, WorkerPool, WorkerResponse } from './worker-protocol.js';

interface PendingRequest {
  resolve(batch: unknown): void;
  reject(error: Error): void;
}

/**
 * The main thread's side of a worker pool: spawns the workers, waits until each has built its dataset, routes batch
 * requests to a chosen worker and matches the answers by request id. Answers to requests nobody awaits any more (an
 * epoch left early) are dropped when they arrive.
 */
export class WorkerCoordinator {
  private readonly handles: WorkerHandle[] = [];
  private readonly pending = new Map<number, PendingRequest>();
  private readonly ready: Promise<number[]>;
  private nextId = 0;
  private failure: Error | null = null;

  constructor(pool: WorkerPool, baseSeed: bigint) {
    const lengths: Array<Promise<number>> = [];
    for (let workerId = 0; workerId < pool.count; workerId++) {
      const handle = pool.spawn({ workerId, numWorkers: pool.count, seed: baseSeed + BigInt(workerId) });
      let announce!: (length: number) => void;
      let refuse!: (error: Error) => void;
      lengths.push(
        new Promise<number>((resolve, reject) => {
          announce = resolve;
          refuse = reject;
        }),
      );
      handle.listen(
        (message) => this.receive(workerId, message, announce, refuse),
        (error) => {
          refuse(error);
          this.fail(new WorkerError(workerId, error.name, error.message, error.stack));
        },
      );
      this.handles.push(handle);
    }
    this.ready = Promise.all(lengths);
    this.ready.catch(() => {});
  }

  get count(): number {
    return this.handles.length;
  }

  /** Resolves with each worker's dataset length once all have built their dataset. */
  whenReady(): Promise<number[]> {
    return this.ready;
  }

  request(workerIndex: number, indices: readonly number[]): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.handles[workerIndex]!.post({ type: 'batch', id, indices });
    return answer;
  }

  setActive(active: boolean): void {
    for (const handle of this.handles) handle.setActive(active);
  }

  async close(): Promise<void> {
    this.fail(new WorkerError(-1, 'Error', 'the DataLoader was closed'));
    await Promise.all(
      this.handles.map((handle) => {
        handle.post({ type: 'close' });
        return handle.terminate();
      }),
    );
  }

  private receive(
    workerId: number,
    message: WorkerResponse,
    announce: (length: number) => void,
    refuse: (error: Error) => void,
  ): void {
    if (message.type === 'ready') {
      announce(message.length);
      return;
    }
    if (message.type === 'failed') {
      // The worker failed before serving anything (its dataset factory threw): the pool is unusable.
      const error = new WorkerError(workerId, message.name, message.message, message.stack);
      refuse(error);
      this.fail(error);
      return;
    }
    const request = this.pending.get(message.id);
    if (!request) return;
    this.pending.delete(message.id);
    if (message.type === 'batch') request.resolve(message.batch);
    else request.reject(new WorkerError(workerId, message.name, message.message, message.stack));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
  }
}
