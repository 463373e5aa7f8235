import { type Backend, isTensorView, type TensorView } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { getBackend, registeredBackends, wrapFastKernels } from '../engine.js';
import { CompileError } from '../errors.js';
import { fastKernelDeclarations } from '../fast-kernels.js';
import { isContiguous, sizeOf } from '../shape.js';
import { compileHooks } from './hooks.js';

/** One recorded step of a compiled program: a kernel call replayed as is, or work that runs eagerly on every call. */
export type RecordedEntry = RecordedCall | { readonly eager: () => unknown };

export interface RecordedCall {
  readonly kernel: (...args: unknown[]) => unknown;
  readonly target: unknown;
  readonly args: readonly unknown[];
  /** The backend method it calls ('unary', 'binary', …); absent for fast kernels and zero fills. */
  readonly method?: string;
}

/** A check of an input's values (cross entropy's target range) that a replay runs again before any kernel. */
export interface RecordedGuard {
  readonly backend: Backend;
  readonly view: TensorView;
  readonly size: number;
  readonly check: (values: TypedArray) => unknown;
  readonly result: unknown;
}

/** How a leaf's gradient was first touched in the trace, which decides what a replay must find and leave behind. */
export type GradientUse = 'cleared' | 'assigned' | 'accumulated';

const computeMethods = ['unary', 'binary', 'where', 'reduce', 'copy', 'fill', 'matmul'] as const;

/** The map's value for `key`, made and stored first when there is none. */
export function entryOf<Key, Value>(map: Map<Key, Value>, key: Key, make: () => Value): Value {
  const found = map.get(key);
  if (found !== undefined) return found;
  const made = make();
  map.set(key, made);
  return made;
}

/** Where a primitive's output is: its last view argument. */
function lastViewPosition(args: readonly unknown[]): number {
  for (let position = args.length - 1; position >= 0; position--) if (isTensorView(args[position])) return position;
  return -1;
}

/**
 * Records the kernels one call of a step runs, on every registered backend, by wrapping the backends' compute methods
 * and fast kernels for the duration of the trace. Only outermost calls are recorded (a fast kernel built from the
 * backend's own methods is one entry). Storage freed during the trace is kept in a pool and handed out again to later
 * allocations of the same size and dtype: replaying the same calls in the same order then reuses memory exactly as
 * the trace did, which is the compiled step's memory plan.
 */
export class Recorder {
  readonly entries: RecordedEntry[] = [];
  readonly guards: RecordedGuard[] = [];
  readonly gradients = new Map<import('../tensor.js').Tensor, GradientUse>();
  /** Handles the recorded calls read or write, per backend. */
  readonly referenced = new Map<Backend, Set<unknown>>();
  /** Storage released during the trace: free, owned by the plan, reusable by size and dtype. */
  readonly pool = new Map<Backend, Map<string, unknown[]>>();
  private readonly allocated = new Map<Backend, Set<unknown>>();
  /** Zero fills of fresh storage not yet used by any recorded call (their entry index), and those found dead. */
  private readonly pendingFills = new Map<Backend, Map<unknown, { index: number; size: number }>>();
  private readonly deadFills = new Set<number>();
  private eagerDepth = 0;
  private callDepth = 0;
  private readonly restores: Array<() => void> = [];

  constructor(private readonly inputHandles: ReadonlyMap<Backend, ReadonlySet<unknown>>) {}

  get recording(): boolean {
    return this.eagerDepth === 0;
  }

  start(): void {
    const backends = new Set(registeredBackends().map((name) => getBackend(name)));
    for (const backend of backends) this.wrapBackend(backend);
    compileHooks.randomDraw = () => {
      if (this.recording)
        throw new CompileError(
          'compile: the step draws random numbers (dropout, rand, a random init), which a replay would repeat unchanged; ' +
            'draw them outside the step and pass them in, or run the step without compile()',
        );
    };
    compileHooks.gradAccumulate = (leaf) => {
      if (this.recording && !this.gradients.has(leaf)) this.gradients.set(leaf, leaf.grad ? 'accumulated' : 'assigned');
    };
    compileHooks.gradSet = (leaf) => {
      if (this.recording && !this.gradients.has(leaf)) this.gradients.set(leaf, 'cleared');
    };
  }

  stop(): void {
    for (const restore of this.restores.splice(0).reverse()) restore();
    compileHooks.randomDraw = compileHooks.gradAccumulate = compileHooks.gradSet = null;
  }

  /** Runs `work` unrecorded now and records it to run again, eagerly, on every replay. */
  eager<T>(work: () => T): T {
    this.pendingFills.clear(); // eager work may read fresh storage: keep every fill recorded so far
    this.eagerDepth++;
    try {
      return work();
    } finally {
      this.eagerDepth--;
      if (this.eagerDepth === 0) this.entries.push({ eager: work });
    }
  }

  /** Reads a step input's values for a check that every replay repeats on its own inputs. */
  guard<T>(backend: Backend, view: TensorView, size: number, check: (values: TypedArray) => T): T {
    if (!this.inputHandles.get(backend)?.has(view.handle)) {
      throw new CompileError(
        'compile: the step reads values of a tensor it computed (a data-dependent check or branch), which a replay cannot ' +
          "repeat; only the values of the step's own inputs can be checked on every call",
      );
    }
    this.callDepth++; // the wrapped reads let calls from inside a recorded call through
    let values: TypedArray;
    try {
      values = backend.readSync!(view.handle, view.dtype, view.offset, size);
    } finally {
      this.callDepth--;
    }
    const result = check(values);
    this.guards.push({ backend, view, size, check, result });
    return result;
  }

  /** Whether a release of `handle` during the trace must be kept from the backend (it may be replayed into). */
  keepsReleased(backend: Backend, handle: unknown): boolean {
    return (
      this.recording || this.referenced.get(backend)?.has(handle) === true || this.allocated.get(backend)?.has(handle) === true
    );
  }

  returnToPool(backend: Backend, handle: unknown, size: number, dtype: DType): void {
    const bySize = entryOf(this.pool, backend, () => new Map<string, unknown[]>());
    const key = `${dtype}:${size}`;
    const free = bySize.get(key);
    if (free) free.push(handle);
    else bySize.set(key, [handle]);
  }

  allocatedInTrace(backend: Backend, handle: unknown): boolean {
    return this.allocated.get(backend)?.has(handle) === true;
  }

  /** Frees the pool (a trace that failed leaves no plan to own it). */
  freePool(): void {
    for (const [backend, bySize] of this.pool)
      for (const handles of bySize.values()) for (const handle of handles) backend.free(handle);
    this.pool.clear();
  }

  private reference(backend: Backend, args: readonly unknown[]): void {
    const handles = entryOf(this.referenced, backend, () => new Set<unknown>());
    for (const arg of args) if (isTensorView(arg)) handles.add(arg.handle);
  }

  /** The recorded program, less the zero fills that a later kernel overwrites before anything reads them. */
  program(): RecordedEntry[] {
    return this.entries.filter((_, index) => !this.deadFills.has(index));
  }

  /**
   * A call whose first use of fresh storage sets all of it without reading it (a primitive's output, a fast kernel's
   * declared `overwrites`, covering the whole storage) makes that storage's zero fill dead. Any other first use keeps
   * the fill. `overwritten`: the positions in `args` the call overwrites.
   */
  private settleZeroFills(backend: Backend, args: readonly unknown[], overwritten: readonly number[]): void {
    const pending = this.pendingFills.get(backend);
    if (!pending?.size) return;
    args.forEach((arg, position) => {
      if (!isTensorView(arg)) return;
      const fill = pending.get(arg.handle);
      if (!fill) return;
      pending.delete(arg.handle);
      const uses = args.filter((other) => isTensorView(other) && other.handle === arg.handle).length;
      const whole = arg.offset === 0 && sizeOf(arg.shape) === fill.size && isContiguous(arg.shape, arg.strides);
      if (uses === 1 && whole && overwritten.includes(position)) this.deadFills.add(fill.index);
    });
  }

  private record(
    backend: Backend,
    kernel: (...args: unknown[]) => unknown,
    target: unknown,
    args: unknown[],
    overwritten: readonly number[] = [],
    method?: string,
  ): unknown {
    if (!this.recording || this.callDepth > 0) return kernel.apply(target, args);
    this.callDepth++;
    try {
      const result = kernel.apply(target, args);
      this.reference(backend, args);
      this.settleZeroFills(backend, args, overwritten);
      this.entries.push(method ? { kernel, target, args, method } : { kernel, target, args });
      return result;
    } finally {
      this.callDepth--;
    }
  }

  private wrapBackend(backend: Backend): void {
    const methods = backend as unknown as Record<string, (...args: unknown[]) => unknown>;
    const fill = methods.fill!; // the backend's own, taken before it is wrapped below
    const replace = (name: string, wrapper: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown) => {
      const own = Object.hasOwn(backend, name);
      const original = methods[name]!;
      methods[name] = wrapper(original);
      this.restores.push(() => {
        if (own) methods[name] = original;
        else delete methods[name];
      });
    };
    for (const name of computeMethods) {
      replace(
        name,
        (original) =>
          (...args) =>
            this.record(backend, original, backend, args, [lastViewPosition(args)], name),
      );
    }
    replace('write', (original) => (handle, data, offset) => {
      if (!this.recording) return original.call(backend, handle, data, offset);
      // Host data written inside the step (a scalar operand, backward's seed) is a constant of the program: the
      // replay writes the values the trace wrote, as torch.jit.trace bakes in Python values.
      const constant = (data as TypedArray).slice();
      const fill = this.pendingFills.get(backend)?.get(handle);
      if (fill && offset === 0 && constant.length === fill.size) this.deadFills.add(fill.index);
      this.pendingFills.get(backend)?.delete(handle);
      return this.record(backend, original, backend, [handle, constant, offset]);
    });
    replace('allocate', (original) => (size, dtype) => {
      const outermost = this.recording && this.callDepth === 0;
      const reused = outermost ? this.pool.get(backend)?.get(`${dtype}:${size}`)?.pop() : undefined;
      const handle = reused ?? original.call(backend, size, dtype);
      if (!this.recording) return handle;
      entryOf(this.allocated, backend, () => new Set<unknown>()).add(handle);
      if (outermost) {
        // Storage starts zero-filled and some kernels rely on it (pooling's backward scatters into its output), so
        // memory the plan hands out again is zeroed, now and on every replay, as a fresh allocation would be.
        const whole: TensorView = { handle, dtype: dtype as DType, shape: [size as number], strides: [1], offset: 0 };
        if (reused !== undefined) fill.call(backend, whole, 0);
        entryOf(this.pendingFills, backend, () => new Map()).set(handle, { index: this.entries.length, size });
        this.entries.push({ kernel: fill, target: backend, args: [whole, 0] });
      }
      return handle;
    });
    const refuseRead =
      (original: (...args: unknown[]) => unknown) =>
      (...args: unknown[]) => {
        if (this.recording && this.callDepth === 0) {
          throw new CompileError(
            'compile: the step reads tensor values on the host (item(), data(), dataSync(), printing), which a replay ' +
              'would not repeat; return the tensor from the step and read it after the call',
          );
        }
        return original.apply(backend, args);
      };
    replace('read', refuseRead);
    if (backend.readSync) replace('readSync', refuseRead);
    this.restores.push(
      wrapFastKernels(backend, (name, kernel) => {
        const fast = kernel as (...args: unknown[]) => unknown;
        const { overwrites } = fastKernelDeclarations[name];
        return (...args: unknown[]) => this.record(backend, fast, undefined, args, overwrites);
      }),
    );
  }
}
