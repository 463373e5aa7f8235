import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type CollateFunction, defaultCollate } from '../collate.js';
import type { Dataset } from '../dataset.js';
import { DataLoaderError } from '../errors.js';
import {
  createBatchServer,
  describeError,
  type WorkerHandle,
  type WorkerInfo,
  type WorkerPool,
  type WorkerRequest,
  type WorkerResponse,
} from '../worker-protocol.js';

const infoKey = 'lanternDataWorker';

export interface ThreadWorkersOptions {
  /** How many worker threads (PyTorch's num_workers). */
  count: number;
  /** Passed to the dataset factory in each worker (structured-cloneable: paths, options). */
  workerData?: unknown;
  /** Node flags for the workers, e.g. a loader for TypeScript. */
  execArgv?: string[];
}

/**
 * A WorkerPool of worker_threads, each running `script`, a module that calls `serveDataset` (PyTorch's
 * num_workers, with the dataset built in each worker by a factory instead of pickled).
 * @example
 * const loader = new DataLoader(train, { batchSize: 128, workers: threadWorkers(new URL('./cifar-worker.js', import.meta.url), { count: 2 }) });
 */
export function threadWorkers(script: string | URL, options: ThreadWorkersOptions): WorkerPool {
  return {
    count: options.count,
    spawn(info: WorkerInfo): WorkerHandle {
      const worker = new Worker(script, {
        workerData: { [infoKey]: info, user: options.workerData },
        execArgv: options.execArgv,
      });
      let closing = false;
      return {
        post: (message: WorkerRequest) => worker.postMessage(message),
        listen(onMessage, onFailure) {
          worker.on('message', (message: WorkerResponse) => onMessage(message));
          worker.on('error', onFailure);
          worker.on('exit', (code) => {
            if (!closing) onFailure(new Error(`worker ${info.workerId} exited unexpectedly with code ${code}`));
          });
        },
        setActive: (active: boolean) => (active ? worker.ref() : worker.unref()),
        async terminate() {
          closing = true;
          await worker.terminate();
        },
      };
    },
  };
}

/**
 * Serves batches from inside a worker started by `threadWorkers`: builds this worker's dataset with `factory` (given
 * the worker's id and seed, and the pool's workerData), then answers each request with the collated batch. Tensors
 * cross back as transferred buffers and are rebuilt on the main thread's active backend.
 * @example
 * // cifar-worker.js
 * import { registerCpuBackend } from '@lantern/backend-cpu';
 * await registerCpuBackend();
 * serveDataset(({ seed }) => CIFAR10({ root: './data', transform: Compose([RandomCrop(32, { padding: 4, generator: new Generator().manualSeed(seed) }), ToTensor()]) }));
 */
export function serveDataset<Sample>(
  factory: (info: WorkerInfo, workerData: unknown) => Dataset<Sample> | Promise<Dataset<Sample>>,
  options: { collate?: CollateFunction<Sample, unknown> } = {},
): void {
  const data = workerData as { [infoKey]?: WorkerInfo; user?: unknown } | null;
  if (isMainThread || !parentPort || !data?.[infoKey]) {
    throw new DataLoaderError('serveDataset: call it from the script of a worker started by threadWorkers()');
  }
  const port = parentPort;
  const send = (message: WorkerResponse, transfer: ArrayBuffer[]) => port.postMessage(message, transfer);
  Promise.resolve()
    .then(() => factory(data[infoKey]!, data.user))
    .then((dataset) => {
      const serve = createBatchServer(dataset, options.collate ?? defaultCollate, send);
      port.on('message', (request: WorkerRequest) => (request.type === 'close' ? port.close() : serve(request)));
    })
    .catch((error: unknown) => send({ type: 'failed', ...describeError(error) }, []));
}
