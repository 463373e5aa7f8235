import { type DType, fromArray, Tensor, type TypedArray } from '@lantern/tensor';
import type { CollateFunction } from './collate.js';
import type { Dataset } from './dataset.js';

/** Who a worker is, handed to its dataset factory: seed it random transforms with `seed` (PyTorch's base_seed + id). */
export interface WorkerInfo {
  readonly workerId: number;
  readonly numWorkers: number;
  /** base seed + workerId (PyTorch's worker seed, 64-bit): `new Generator().manualSeed(seed)` for random transforms. */
  readonly seed: bigint;
}

export type WorkerRequest =
  | { readonly type: 'batch'; readonly id: number; readonly indices: readonly number[] }
  | { readonly type: 'close' };

export type WorkerResponse =
  | { readonly type: 'ready'; readonly length: number }
  | { readonly type: 'batch'; readonly id: number; readonly batch: unknown }
  | { readonly type: 'error'; readonly id: number; readonly name: string; readonly message: string; readonly stack?: string }
  /** The worker could not start serving (its dataset factory threw). */
  | { readonly type: 'failed'; readonly name: string; readonly message: string; readonly stack?: string };

/**
 * One background worker as the DataLoader sees it: a message port plus lifetime control. Implemented over
 * worker_threads by `threadWorkers()` in '@lantern/data/node'; a Web Worker adapter fits the same shape.
 */
export interface WorkerHandle {
  post(message: WorkerRequest): void;
  listen(onMessage: (message: WorkerResponse) => void, onFailure: (error: Error) => void): void;
  /** Whether the worker should keep the process alive (Node's ref/unref): only while an epoch is running. */
  setActive(active: boolean): void;
  terminate(): Promise<void>;
}

/** A recipe for `count` workers; DataLoader spawns them on first use and keeps them until `close()`. */
export interface WorkerPool {
  readonly count: number;
  spawn(info: WorkerInfo): WorkerHandle;
}

const tensorMark = '__lanternTensor';

interface EncodedTensor {
  readonly [tensorMark]: true;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly values: TypedArray;
}

/**
 * Replaces each tensor in a batch by its dtype, shape and host values so the batch can cross a thread boundary, and
 * lists the buffers to transfer rather than copy. The values are copied out of the tensor first, so transferring
 * them can never detach storage a backend still uses.
 */
export function encodeBatch(value: unknown, transfer: ArrayBuffer[] = []): { encoded: unknown; transfer: ArrayBuffer[] } {
  const encode = (item: unknown): unknown => {
    if (item instanceof Tensor) {
      const values = item.dataSync().slice();
      transfer.push(values.buffer as ArrayBuffer);
      const encoded: EncodedTensor = { [tensorMark]: true, dtype: item.dtype, shape: [...item.shape], values };
      return encoded;
    }
    if (Array.isArray(item)) return item.map(encode);
    if (item !== null && typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      return Object.fromEntries(Object.entries(item).map(([key, field]) => [key, encode(field)]));
    }
    return item;
  };
  return { encoded: encode(value), transfer };
}

/** Rebuilds the tensors of an encoded batch on this thread's active backend. */
export function decodeBatch(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeBatch);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    if (record[tensorMark] === true) {
      const encoded = record as unknown as EncodedTensor;
      return fromArray(encoded.values, encoded.shape, encoded.dtype);
    }
    return Object.fromEntries(Object.entries(record).map(([key, field]) => [key, decodeBatch(field)]));
  }
  return value;
}

/**
 * The worker side of the protocol, transport-free: answers each batch request with the collated, encoded samples.
 * '@lantern/data/node' wires it to worker_threads' parentPort in `serveDataset`.
 */
export function createBatchServer<Sample>(
  dataset: Dataset<Sample>,
  collate: CollateFunction<Sample, unknown>,
  send: (message: WorkerResponse, transfer: ArrayBuffer[]) => void,
): (request: WorkerRequest) => void {
  send({ type: 'ready', length: dataset.length }, []);
  return (request) => {
    if (request.type !== 'batch') return;
    try {
      const samples = request.indices.map((index) => dataset.getItem(index));
      const { encoded, transfer } = encodeBatch(collate(samples));
      send({ type: 'batch', id: request.id, batch: encoded }, transfer);
    } catch (error) {
      send({ type: 'error', id: request.id, ...describeError(error) }, []);
    }
  };
}

export function describeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}
