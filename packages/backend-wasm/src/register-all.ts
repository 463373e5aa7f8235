import { cpuFastKernels } from '@lantern/backend-cpu/kernels';
import {
  type Backend,
  BackendError,
  compositionsOnly,
  type FastKernelName,
  type FastKernelSignatures,
  type FastKernelTable,
  fastKernelDeclarations,
  isTensorView,
  registerBackend,
} from '@lantern/tensor';
import { createWasmBackend } from './backend.js';
import { createContext, type WasmContext } from './context.js';
import { avgPool2d, avgPool2dBackward } from './kernels/avg-pool2d.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackwardInput } from './kernels/conv2d-backward-input.js';
import { conv2dBackwardWeight } from './kernels/conv2d-backward-weight.js';
import { maxPool2d, maxPool2dBackward } from './kernels/max-pool2d.js';
import { adamUpdate, sgdUpdate } from './kernels/optimizer-updates.js';
import { softmaxCrossEntropy } from './kernels/softmax-cross-entropy.js';
import { chooseSimdVariant, relaxedSimdSupported, type SimdChoice } from './simd.js';
import { cpuView } from './views.js';

/**
 * The wasm backend's fast kernels over one context: the one place the list lives. Each compiled kernel takes float32
 * data (and int32 indices where core's declaration says so); other dtypes run the cpu reference kernel in place on
 * linear memory, through `onFloat32`.
 */
export function wasmFastKernels(context: WasmContext): FastKernelTable {
  const kernel = <Name extends FastKernelName>(name: Name, compiled: CompiledKernel<Name>) => onFloat32(context, name, compiled);
  return {
    conv2d: kernel('conv2d', conv2d),
    conv2dBackwardInput: kernel('conv2dBackwardInput', conv2dBackwardInput),
    conv2dBackwardWeight: kernel('conv2dBackwardWeight', conv2dBackwardWeight),
    maxPool2d: kernel('maxPool2d', maxPool2d),
    maxPool2dBackward: kernel('maxPool2dBackward', maxPool2dBackward),
    avgPool2d: kernel('avgPool2d', avgPool2d),
    avgPool2dBackward: kernel('avgPool2dBackward', avgPool2dBackward),
    softmaxCrossEntropy: kernel('softmaxCrossEntropy', softmaxCrossEntropy),
    sgdUpdate: kernel('sgdUpdate', sgdUpdate),
    adamUpdate: kernel('adamUpdate', adamUpdate),
  };
}

/** A kernel of this package: the fast kernel's own arguments after the context (checked against core's signature). */
type CompiledKernel<Name extends FastKernelName> = (
  context: WasmContext,
  ...args: Parameters<FastKernelSignatures[Name]>
) => void;

/**
 * `compiled` bound to the context where every view holds float32 (int32 at the declaration's index positions), and
 * otherwise the cpu reference kernel of the same name on views of linear memory: float64, int32 and bool need no SIMD.
 */
function onFloat32<Name extends FastKernelName>(
  context: WasmContext,
  name: Name,
  compiled: CompiledKernel<Name>,
): FastKernelSignatures[Name] {
  const indices: readonly number[] = fastKernelDeclarations[name].int32Arguments;
  const reference = cpuFastKernels[name] as (...args: unknown[]) => void;
  return ((...args: unknown[]) => {
    const float32 = args.every(
      (arg, position) => !isTensorView(arg) || arg.dtype === (indices.includes(position) ? 'int32' : 'float32'),
    );
    if (float32) return (compiled as (context: WasmContext, ...args: unknown[]) => void)(context, ...args);
    return reference(...args.map((arg) => (isTensorView(arg) ? cpuView(context, arg) : arg)));
  }) as FastKernelSignatures[Name];
}

export interface WasmBackendOptions {
  /**
   * Threads each kernel runs on, the calling thread included (default: one per core). Where shared memory or a
   * blocking wait is unavailable the backend stays single-threaded and `threadingUnavailableReason()` says why.
   */
  readonly threads?: number;
  /** Register the fast kernels (default true); false runs core's compositions of primitives, for testing them. */
  readonly fastKernels?: boolean;
  /**
   * The kernels' instruction set (default 'auto'): 'relaxed' uses relaxed SIMD's fused multiply-add, 'simd128' plain
   * wasm SIMD, 'auto' relaxed where the engine validates it and simd128 elsewhere. 'relaxed' where it is unsupported
   * throws RelaxedSimdUnavailableError. It is chosen once per program, by the first call; `getSimdVariant()` says which.
   */
  readonly simd?: SimdChoice;
}

let started: Promise<WasmContext> | null = null;
let current: WasmContext | null = null;
let backend: Backend<number> | null = null;

/**
 * Compiles the SIMD kernels (the relaxed-SIMD build where the engine has it, unless `simd` says otherwise), starts
 * the worker pool and registers 'wasm'; resolves once the workers run. Calling it again changes the thread count
 * (when given) and returns the same backend: there is one linear memory, and one kernel build, per program.
 * @example
 * import { registerWasmBackend } from '@lantern/backend-wasm';
 * import { randn } from '@lantern/tensor';
 * await registerWasmBackend({ threads: 2 });
 * randn([64, 128]).matmul(randn([128, 32])).shape; // [64, 32]
 */
export async function registerWasmBackend(options: WasmBackendOptions = {}): Promise<Backend<number>> {
  const simd = options.simd ?? 'auto';
  // Checked on every call and before anything starts, so an unsupported request leaves no half-started backend.
  const simdVariant = chooseSimdVariant(simd, relaxedSimdSupported());
  started ??= createContext(simdVariant).then((context) => {
    context.pool.useDefaultThreads();
    current = context;
    return context;
  });
  const context = await started;
  if (simd !== 'auto' && simd !== context.simdVariant) {
    throw new BackendError(
      `registerWasmBackend: simd '${simd}' was requested, but the backend already runs the '${context.simdVariant}' ` +
        'kernels: the instruction set is chosen once per program, by the first registerWasmBackend() call',
    );
  }
  backend ??= createWasmBackend(context);
  registerBackend(backend, options.fastKernels === false ? compositionsOnly : wasmFastKernels(context));
  if (options.threads !== undefined) context.pool.setThreads(options.threads);
  await context.pool.ready();
  return backend;
}

/** The started backend's context; the functions that tune it need registerWasmBackend() first. */
export function startedContext(caller: string): WasmContext {
  if (!current) throw new BackendError(`${caller}: the wasm backend is not started yet: await registerWasmBackend() first`);
  return current;
}
