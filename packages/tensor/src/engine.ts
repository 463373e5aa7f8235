import type { Backend } from './backend.js';
import type { DType } from './dtype.js';
import { BackendError, DuplicateKernelError } from './errors.js';
import type { FastKernel } from './fast-kernels.js';
import type { FastKernelName } from './kernel-names.js';
import { assertSingleCore } from './single-copy.js';

const backends = new Map<string, Backend>();
const fastKernels = new Map<string, Map<FastKernelName, unknown>>();
let activeBackend: Backend | null = null;

/** Makes a backend selectable by name. The first one registered becomes active. */
export function registerBackend(backend: Backend): void {
  assertSingleCore();
  if (backend.specificationVersion !== 'v1') {
    throw new BackendError(
      `backend '${backend.name}' implements specification '${backend.specificationVersion}', core expects 'v1'`,
    );
  }
  backends.set(backend.name, backend);
  activeBackend ??= backend;
}

/**
 * Chooses the backend new tensors are created on, by name.
 * @example
 * import '@lantern/backend-cpu';
 * setBackend('cpu');
 */
export function setBackend(name: string): void {
  assertSingleCore();
  const backend = backends.get(name);
  if (!backend) {
    const known = [...backends.keys()];
    throw new BackendError(
      `backend '${name}' is not registered (registered: ${known.length ? known.join(', ') : 'none'}); ` +
        `import its package, e.g. "import '@lantern/backend-${name}'"`,
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
    throw new BackendError('no backend is registered: import one first, e.g. "import \'@lantern/backend-cpu\'"');
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

interface FinalizerEntry {
  readonly backend: Backend;
  readonly handle: unknown;
  readonly state: { freed: boolean };
}

// The safety net for device memory the JS garbage collector cannot see: storage that becomes unreachable without
// dispose() is freed when its wrapper is collected. dispose() and tidy() remain the prompt way.
const finalizer = new FinalizationRegistry<FinalizerEntry>((entry) => {
  if (!entry.state.freed) {
    entry.state.freed = true;
    entry.backend.free(entry.handle);
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
    finalizer.register(this, { backend, handle, state: this.state }, this);
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
    finalizer.unregister(this);
    this.backend.free(this.handle);
  }
}
