import { isGradEnabled } from '../autograd/grad-mode.js';
import type { Backend } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import { getBackend, setReleaseInterceptor } from '../engine.js';
import { CompileError } from '../errors.js';
import { keep } from '../scope.js';
import { isContiguous } from '../shape.js';
import { Tensor } from '../tensor.js';
import { keepReleased } from './claims.js';
import { freshCopy, Plan } from './plan.js';
import { Recorder } from './recorder.js';

/** A step compiled by `compile()`: call it like the step; it traces on its first call and replays after. */
export interface CompiledStep<Args extends unknown[], Result> {
  (...args: Args): Result;
  /** How many calls traced the step and how many replayed it, and why the last re-trace happened. */
  readonly stats: { traces: number; replays: number; lastRetrace: string | null };
  /** Gives back the memory the compiled program holds; the next call traces again. */
  dispose(): void;
}

let activeRecorder: Recorder | null = null;

// Storage a plan's calls use must outlive the tensors that held it (a replay writes into it again), and storage
// released during a trace joins the trace's pool instead of going back to the backend.
function interceptRelease(backend: Backend, handle: unknown, size: number, dtype: Tensor['dtype']): boolean {
  if (keepReleased(backend, handle)) return true;
  if (!activeRecorder?.keepsReleased(backend, handle)) return false;
  activeRecorder.returnToPool(backend, handle, size, dtype);
  return true;
}

/**
 * Work a compiled step runs eagerly on every call instead of replaying its kernels: an optimizer's update, whose
 * learning rate and step count change between calls (optimizers in @lantern/optim use it). Outside a trace it just
 * runs `work`.
 * @example
 * step() { runEagerly(() => this.update()); }
 */
export function runEagerly<T>(work: () => T): T {
  return activeRecorder ? activeRecorder.eager(work) : work();
}

/**
 * Reads `tensor`'s values for a check (cross entropy's target range) that a compiled step repeats on every call, on
 * that call's inputs; a different result traces the step again. Outside a trace it is `check(tensor.dataSync())`.
 */
export function checkValues<T>(tensor: Tensor, check: (values: TypedArray) => T): T {
  if (!activeRecorder?.recording || !isContiguous(tensor.shape, tensor.strides)) return check(tensor.dataSync());
  return activeRecorder.guard(tensor.backend, tensor.kernelView('checkValues', tensor.backend), tensor.size, check);
}

/** Programs a compiled step keeps, one per argument signature, as torch.compile keeps several graphs. */
const maximumPrograms = 4;

// Objects passed as arguments are told apart by identity: the program baked in what the trace read of them.
const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

/** What a program depends on besides tensor values: the active backend, grad mode, and each argument's kind. */
function signatureKey(args: readonly unknown[]): string {
  const parts: unknown[] = [getBackend().name, isGradEnabled(), args.length];
  for (const arg of args) {
    if (arg instanceof Tensor) parts.push(`tensor ${arg.backend.name} ${arg.dtype} ${arg.shape.join('x')}`);
    else if (typeof arg === 'object' && arg !== null) {
      if (!objectIds.has(arg)) objectIds.set(arg, nextObjectId++);
      parts.push(`object ${objectIds.get(arg)}`);
    } else parts.push(`${typeof arg} ${String(arg)}`);
  }
  return parts.join('\u0001');
}

/** Applies `transform` to every tensor in a returned value: a tensor, or arrays and plain objects of them. */
function mapTensors(value: unknown, transform: (tensor: Tensor) => Tensor): unknown {
  if (value instanceof Tensor) return transform(value);
  if (Array.isArray(value)) return value.map((item) => mapTensors(item, transform));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapTensors(item, transform)]));
  }
  return value;
}

/**
 * Compiles a training step, in the spirit of `torch.compile`: the first call runs `step` eagerly while recording
 * every kernel it launches; later calls with arguments of the same shapes, dtypes and backends replay those kernels
 * with the memory the trace used, creating no tensors, autograd nodes or intermediate storage, and return copies of
 * what the trace returned. Arguments of new shapes, dtypes or backends get a program of their own (up to 4 are
 * kept); it traces again when a tensor the program uses was disposed or replaced (a parameter given new storage), or
 * when gradients are not where the trace left them. Optimizer updates run eagerly on every call (`runEagerly`), so learning-rate schedules and step counts
 * apply. Like `torch.jit.trace`, the program is what the trace did: values computed in JavaScript inside the step
 * (Python values, in PyTorch) are constants of it, so pass what varies as tensor arguments. A step that reads values
 * on the host or draws random numbers throws CompileError while tracing.
 * @example
 * const trainStep = compile((images: Tensor, labels: Tensor) => tidy(() => {
 *   const loss = lossFunction(model(images), labels);
 *   optimizer.zeroGrad();
 *   loss.backward();
 *   optimizer.step();
 *   return loss;
 * }));
 * const loss = trainStep(images, labels); // traces; the next calls replay
 */
export function compile<Args extends unknown[], Result>(step: (...args: Args) => Result): CompiledStep<Args, Result> {
  // One traced program per argument signature, the most recently used last (a trainer's shorter last batch of an
  // epoch gets its own program instead of tracing the full-size one again at the next epoch).
  const programs = new Map<string, { plan: Plan; template: unknown }>();
  const stats = { traces: 0, replays: 0, lastRetrace: null as string | null };

  const trace = (args: Args, key: string): Result => {
    const inputs: Tensor[] = [];
    const tracedArgs = args.map((arg, index) => {
      if (!(arg instanceof Tensor)) return arg;
      if (arg.requiresGrad) {
        throw new CompileError(
          `compile: argument ${index} requires grad; pass data as arguments and let the step reach parameters itself`,
        );
      }
      const copy = keep(freshCopy(arg));
      inputs.push(copy);
      return copy;
    }) as Args;
    const inputHandles = new Map<Backend, Set<unknown>>();
    for (const input of inputs) {
      const handles = inputHandles.get(input.backend) ?? new Set();
      inputHandles.set(input.backend, handles.add(input.storage.handle));
    }
    const recorder = new Recorder(inputHandles);
    activeRecorder = recorder;
    setReleaseInterceptor(interceptRelease);
    recorder.start();
    let result: Result;
    try {
      result = step(...tracedArgs);
    } catch (error) {
      recorder.stop();
      activeRecorder = null;
      recorder.freePool();
      for (const input of inputs) input.dispose();
      throw error;
    }
    recorder.stop();
    activeRecorder = null;
    const outputs: Tensor[] = [];
    const template = mapTensors(result, (tensor) => {
      if (recorder.allocatedInTrace(tensor.backend, tensor.storage.handle)) outputs.push(keep(tensor));
      return tensor;
    });
    const plan = new Plan(recorder, inputs, outputs);
    plan.claim();
    programs.set(key, { plan, template });
    if (programs.size > maximumPrograms) forget(programs.keys().next().value!);
    stats.traces++;
    return mapTensors(template, freshCopy) as Result;
  };

  const forget = (key: string) => {
    programs.get(key)?.plan.dispose();
    programs.delete(key);
  };

  const compiled = (...args: Args): Result => {
    if (activeRecorder) throw new CompileError('compile: a compiled step was called while another step is being traced');
    const key = signatureKey(args);
    const program = programs.get(key);
    if (!program) {
      if (programs.size > 0) stats.lastRetrace = "the arguments' shapes, dtypes or backends changed";
      return trace(args, key);
    }
    const { plan, template } = program;
    let reason = plan.stale ?? plan.prepareGradients();
    reason ??= plan.loadInputs(args.filter((arg): arg is Tensor => arg instanceof Tensor));
    if (reason !== null) {
      stats.lastRetrace = reason;
      forget(key);
      return trace(args, key);
    }
    programs.delete(key); // most recently used goes last
    programs.set(key, program);
    plan.run();
    stats.replays++;
    return mapTensors(template, freshCopy) as Result;
  };
  return Object.assign(compiled, {
    stats,
    dispose(): void {
      for (const key of [...programs.keys()]) forget(key);
    },
  });
}
