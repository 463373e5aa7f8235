import { type Backend, BackendError, compositionsOnly, registerBackend } from '@lantern/tensor';
import { createTfjsBackend } from './backend.js';
import { tfjsFastKernels } from './fast-kernels.js';
import type { TfjsStorage } from './storage.js';
import { tf } from './tfjs.js';

/** tfjs's own backend names, and the package that registers each with tfjs. */
export const tfjsBackendPackages = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

export type TfjsBackendName = keyof typeof tfjsBackendPackages;

const adapters = new Map<string, Backend<TfjsStorage>>();

export interface RegisterTfjsBackendOptions {
  /** The tfjs backend to run on (default 'cpu'). Import its package before registering, except for 'cpu'. */
  readonly tfjsBackend?: TfjsBackendName;
  /** The Lantern backend name (default 'tfjs'). */
  readonly name?: string;
  /** Register the fast kernels (conv2d, pooling, fused cross-entropy, optimizer updates); default true. */
  readonly fastKernels?: boolean;
}

/**
 * Sets tfjs's backend, then registers Lantern's tfjs adapter under `name`; select it with `setBackend('tfjs')`.
 * @example
 * import { setBackend, tensor } from '@lantern/tensor';
 * import { registerTfjsBackend } from '@lantern/backend-tfjs';
 * await registerTfjsBackend({ tfjsBackend: 'cpu' });
 * setBackend('tfjs');
 * tensor([1, 2, 3]).sum().item(); // 6
 */
export async function registerTfjsBackend(options: RegisterTfjsBackendOptions = {}): Promise<Backend<TfjsStorage>> {
  const tfjsBackend = options.tfjsBackend ?? 'cpu';
  // The cpu backend is this package's dependency; loaded on demand so that importing the package has no side effects.
  if (tfjsBackend === 'cpu' && !tf.findBackendFactory('cpu')) await import('@tensorflow/tfjs-backend-cpu');
  if (!tf.findBackendFactory(tfjsBackend)) {
    const known = tfjsBackendPackages[tfjsBackend] as string | undefined;
    throw new BackendError(
      `registerTfjsBackend: tfjs backend '${tfjsBackend}' is not registered with tfjs; ` +
        (known ? `import '${known}' first` : `expected one of ${Object.keys(tfjsBackendPackages).join(', ')}`),
    );
  }
  if (!(await tf.setBackend(tfjsBackend))) {
    throw new BackendError(`registerTfjsBackend: tfjs backend '${tfjsBackend}' failed to initialise`);
  }
  await tf.ready();
  // One backend object per name: tensors made before a second registration must stay usable with those made after
  // (core requires one backend object per op), and the object does not depend on which tfjs backend is active.
  let backend = adapters.get(options.name ?? 'tfjs');
  if (!backend) {
    backend = createTfjsBackend({ name: options.name });
    adapters.set(backend.name, backend);
  }
  registerBackend(backend, (options.fastKernels ?? true) ? tfjsFastKernels : compositionsOnly);
  return backend;
}
