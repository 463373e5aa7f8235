import {
  contiguousStrides,
  type FastKernelName,
  fastKernelDeclarations,
  isTensorView,
  type TensorView,
  type TypedArray,
} from '@lantern/tensor';
import { tf } from './tfjs.js';
import { readView, type View, writeView } from './views.js';

type HostView = TensorView<TypedArray>;

const warned = new Set<string>();

/** console.warn, once per key for the life of the process. */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(message);
}

/** The tfjs kernels among `names` that the active tfjs backend does not register. */
export function missingTfjsKernels(names: readonly string[]): string[] {
  const backend = tf.getBackend();
  return names.filter((name) => tf.getKernel(name, backend) === undefined);
}

function toHost(view: View): HostView {
  const values = readView(view).dataSync();
  const handle =
    view.dtype === 'float32'
      ? Float32Array.from(values as Float32Array)
      : view.dtype === 'int32'
        ? Int32Array.from(values as Int32Array)
        : Uint8Array.from(values as Uint8Array);
  return { handle, dtype: view.dtype, shape: view.shape, strides: contiguousStrides(view.shape), offset: 0 };
}

/**
 * Runs one of Lantern's cpu kernels on host copies of tfjs data: every view argument is read into a contiguous typed
 * array (outputs too, for kernels that accumulate or update in place), the kernel runs, and the arguments at
 * `written` are written back through their views. The route for kernels a tfjs backend lacks: slow, but training works.
 */
export function runOnHost(args: readonly unknown[], written: readonly number[], kernel: (...hostArgs: unknown[]) => void): void {
  tf.tidy(() => {
    const hostArgs = args.map((arg) => (isTensorView(arg) ? toHost(arg as View) : arg));
    kernel(...hostArgs);
    for (const index of written) {
      const view = args[index] as View | null,
        host = hostArgs[index] as HostView;
      if (!view) continue;
      writeView(view, tf.tensor(host.handle as Float32Array, [...view.shape], view.handle.dtype));
    }
  });
}

export interface Routed<Args extends unknown[]> {
  /** The tfjs kernels the tfjs implementation runs (beyond the slice/reshape/transpose/gather/scatter/cast of views). */
  readonly tfjsKernels: (...args: Args) => readonly string[];
  /** Why these arguments cannot run on tfjs's kernels (an attribute tfjs lacks), or null. */
  readonly unsupported?: (...args: Args) => string | null;
  readonly onTfjs: (...args: Args) => void;
  /** The cpu kernel, called with the same arguments, views replaced by host views. */
  readonly onHost: (...args: never[]) => void;
  /** Indices of the arguments the kernel writes. */
  readonly written: readonly number[];
}

/**
 * Wraps a Lantern kernel so that each call runs on tfjs when the active tfjs backend has the kernels it needs and the
 * attributes are ones tfjs supports, and otherwise runs the cpu kernel on host copies, saying so once per kernel.
 */
export function routed<Args extends unknown[]>(lanternKernel: string, route: Routed<Args>): (...args: Args) => void {
  return (...args: Args) => {
    const missing = missingTfjsKernels(route.tfjsKernels(...args));
    const unsupported = missing.length > 0 ? null : (route.unsupported?.(...args) ?? null);
    if (missing.length === 0 && unsupported === null) return route.onTfjs(...args);
    const reason = missing.length > 0 ? `tfjs backend '${tf.getBackend()}' has no ${missing.join(', ')} kernel` : unsupported!;
    warnOnce(
      `${tf.getBackend()}:${lanternKernel}:${reason}`,
      `@lantern/backend-tfjs: ${reason}; running Lantern's cpu '${lanternKernel}' kernel on host copies of the data instead (slower).`,
    );
    runOnHost(args, route.written, route.onHost as (...hostArgs: unknown[]) => void);
  };
}

/** `routed` for a fast kernel: the arguments it writes come from core's declaration of that kernel. */
export function routedFastKernel<Args extends unknown[]>(
  name: FastKernelName,
  route: Omit<Routed<Args>, 'written'>,
): (...args: Args) => void {
  return routed(name, { ...route, written: fastKernelDeclarations[name].writes });
}
