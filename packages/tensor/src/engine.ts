import type { Backend } from './backend.js';
import type { DType } from './dtype.js';
import { BackendError, DuplicateKernelError } from './errors.js';
import { compositionsOnly, type FastKernel, type FastKernelName, type FastKernelTable, fastKernelNames } from './fast-kernels.js';
import { assertSingleCore } from './single-copy.js';

const backends = new Map<string, Backend>();
const fastKernels = new Map<string, Map<FastKernelName, unknown>>();
let activeBackend: Backend | null = null;

const registerFunctions: Readonly<Record<string, string>> = {
  cpu: 'registerCpuBackend',
  wasm: 'registerWasmBackend',
  webgpu: 'registerWebGPUBackend',
  tfjs: 'registerTfjsBackend',
};

/** How a program registers the backend Lantern's packages publish under `name`. */
function registrationHint(name: string): string {
  const register = registerFunctions[name];
  if (!register) return 'call registerBackend(yourBackend)';
  return `"await ${register}()" from '@lantern/backend-${name}'`;
}

/**
 * Makes a backend selectable by name, with its fast kernels (default: none, so every op runs core's compositions).
 * The first backend registered becomes active. Registering a name again replaces that backend and its whole kernel
 * table (WebGPU reopening a lost device); kernels added one by one with `registerFastKernel` go with it.
 * Backend packages call this from their `register…Backend()`; call it yourself for a backend of your own.
 * @example
 * registerBackend(createCpuBackend('cpu-compositions')); // the cpu primitives, no fast kernels
 */
export function registerBackend(backend: Backend, kernels: FastKernelTable = compositionsOnly): void {
  assertSingleCore();
  if (backend.specificationVersion !== 'v1') {
    throw new BackendError(
      `backend '${backend.name}' implements specification '${backend.specificationVersion}', core expects 'v1'`,
    );
  }
  backends.set(backend.name, backend);
  const table = new Map<FastKernelName, unknown>();
  for (const name of fastKernelNames) if (kernels[name]) table.set(name, kernels[name]);
  fastKernels.set(backend.name, table);
  activeBackend ??= backend;
}

/**
 * Chooses the backend new tensors are created on, by name.
 * @example
 * await registerWasmBackend(); // from @lantern/backend-wasm
 * setBackend('wasm');
 */
export function setBackend(name: string): void {
  assertSingleCore();
  const backend = backends.get(name);
  if (!backend) {
    const known = [...backends.keys()];
    throw new BackendError(
      `backend '${name}' is not registered (registered: ${known.length ? known.join(', ') : 'none'}); ` +
        `register it first: ${registrationHint(name)}`,
    );
  }
  activeBackend = backend;
}

/** The active backend, or the one registered under `name`. */
export function getBackend(name?: string): Backend {
  assertSingleCore();
  if (name !== undefined) {
    const backend = backends.get(name);
    if (!backend)
      throw new BackendError(`backend '${name}' is not registered (registered: ${[...backends.keys()].join(', ') || 'none'})`);
    return backend;
  }
  if (!activeBackend) {
    throw new BackendError(`no backend is registered: register one first, e.g. ${registrationHint('cpu')}`);
  }
  return activeBackend;
}

export function registeredBackends(): string[] {
  return [...backends.keys()];
}

/**
 * Registers an optional fast kernel for a backend; ops use it instead of their composition of primitives. Another
 * kernel under a name the backend already has throws DuplicateKernelError: replacing one is explicit, by
 * `unregisterFastKernel` first. Registering the very same function again changes nothing, so a backend's register
 * call can run twice.
 * @example
 * registerFastKernel('cpu', 'softmaxCrossEntropy', mySoftmaxCrossEntropy);
 */
export function registerFastKernel<Name extends FastKernelName>(backendName: string, name: Name, kernel: FastKernel<Name>): void {
  let table = fastKernels.get(backendName);
  if (!table) {
    table = new Map();
    fastKernels.set(backendName, table);
  }
  const registered = table.get(name);
  if (registered !== undefined && registered !== kernel) throw new DuplicateKernelError(name, backendName);
  table.set(name, kernel);
}

/**
 * Removes a backend's fast kernel and returns it (undefined when there was none), so the op falls back to its
 * composition, or another kernel can be registered in its place.
 * @example
 * const fused = unregisterFastKernel('cpu', 'sgdUpdate'); // sgdUpdate_ now runs its composition on 'cpu'
 * registerFastKernel('cpu', 'sgdUpdate', fused!); // and the fused kernel again
 */
export function unregisterFastKernel<Name extends FastKernelName>(backendName: string, name: Name): FastKernel<Name> | undefined {
  const table = fastKernels.get(backendName);
  const kernel = table?.get(name) as FastKernel<Name> | undefined;
  table?.delete(name);
  return kernel;
}

export function getFastKernel<Name extends FastKernelName>(backend: Backend, name: Name): FastKernel<Name> | undefined {
  return fastKernels.get(backend.name)?.get(name) as FastKernel<Name> | undefined;
}

/**
 * @internal For compile's recorder: replaces every fast kernel of a backend with `wrap(name, kernel)` and returns the
 * function that puts the originals back.
 */
export function wrapFastKernels(backend: Backend, wrap: (name: FastKernelName, kernel: unknown) => unknown): () => void {
  const table = fastKernels.get(backend.name);
  if (!table) return () => {};
  const originals = new Map(table);
  for (const [name, kernel] of originals) table.set(name, wrap(name, kernel));
  return () => {
    for (const [name, kernel] of originals) if (table.has(name)) table.set(name, kernel);
  };
}

/**
 * @internal Where released storage goes. Normally straight back to its backend; a compiled step (compile.ts) installs
 * an interceptor that keeps memory its recorded kernels still use, since replaying them would write into it. Returns
 * true when it took the handle.
 */
let releaseInterceptor: ((backend: Backend, handle: unknown, size: number, dtype: DType) => boolean) | null = null;

/** @internal */
export function setReleaseInterceptor(interceptor: typeof releaseInterceptor): void {
  releaseInterceptor = interceptor;
}

function freeHandle(backend: Backend, handle: unknown, size: number, dtype: DType): void {
  if (releaseInterceptor?.(backend, handle, size, dtype)) return;
  backend.free(handle);
}

interface FinalizerEntry {
  readonly backend: Backend;
  readonly handle: unknown;
  readonly size: number;
  readonly dtype: DType;
  readonly state: { freed: boolean };
}

const live = { storages: 0, elements: 0, collected: 0 };

/**
 * Backend storage alive now, on every backend: how many blocks and how many elements they hold, and how many blocks
 * so far the garbage collector had to free because no tensor holding them was disposed. A steady training loop keeps
 * the first two flat from step to step and `collected` unchanged: storage left to the collector stays allocated (on
 * wasm and WebGPU, memory the collector cannot see) until a collection happens to run (as tfjs's `tf.memory()`).
 * @example
 * const before = memory().storages;
 * tidy(() => model(images));
 * memory().storages === before; // true: tidy freed every intermediate
 */
export function memory(): { storages: number; elements: number; collected: number } {
  return { ...live };
}

// The safety net for device memory the JS garbage collector cannot see: storage that becomes unreachable without
// dispose() is freed when its wrapper is collected. dispose() and tidy() remain the prompt way.
const finalizer = new FinalizationRegistry<FinalizerEntry>((entry) => {
  if (!entry.state.freed) {
    entry.state.freed = true;
    live.storages--;
    live.elements -= entry.size;
    live.collected++;
    freeHandle(entry.backend, entry.handle, entry.size, entry.dtype);
  }
});

/** Backend memory shared by a tensor and its views; freed when the last holder disposes it, or when collected. */
export class Storage {
  private holders = 0;
  private readonly state = { freed: false };

  constructor(
    readonly backend: Backend,
    readonly handle: unknown,
    readonly size: number,
    readonly dtype: DType,
  ) {
    finalizer.register(this, { backend, handle, size, dtype, state: this.state }, this);
    live.storages++;
    live.elements += size;
  }

  static allocate(backend: Backend, size: number, dtype: DType): Storage {
    let handle: unknown;
    try {
      handle = backend.allocate(size, dtype);
    } catch (error) {
      // Typed arrays and buffers refuse a size they cannot hold with a RangeError; say which allocation failed.
      if (!(error instanceof RangeError)) throw error;
      throw new BackendError(`backend '${backend.name}' could not allocate ${size} elements of ${dtype}: ${error.message}`);
    }
    return new Storage(backend, handle, size, dtype);
  }

  get freed(): boolean {
    return this.state.freed;
  }

  retain(): void {
    this.holders++;
  }

  release(): void {
    if (--this.holders > 0 || this.state.freed) return;
    this.state.freed = true;
    live.storages--;
    live.elements -= this.size;
    finalizer.unregister(this);
    freeHandle(this.backend, this.handle, this.size, this.dtype);
  }
}
