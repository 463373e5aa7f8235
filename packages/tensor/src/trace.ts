/**
 * Op observation, for tools that turn a forward pass into a graph (ONNX export). `withOpObserver(observer, fn)` runs
 * `fn` and reports each outermost public op it calls, a Tensor method or a core function, with its name, its
 * arguments and what it returned. Ops called inside a reported op are not reported: `x.softmax(1)` is one softmax,
 * not the amax, sub, exp, sum and div that compute it, which is the level an exchange format describes.
 */
import { InvalidArgumentError } from './errors.js';
import { Tensor } from './tensor.js';

/** One reported op call. */
export interface ObservedOp {
  /** The name users call it by: `'conv2d'`, `'relu'`, `'add'`. */
  readonly name: string;
  /**
   * 'method' for a Tensor method, 'function' for a function. A method and a function of one name take the same
   * arguments once the method's tensor is put first, except `x.where(condition, other)`, which is
   * `where(condition, x, other)`.
   */
  readonly calledAs: 'method' | 'function';
  /** The call's arguments as passed; for a method, the tensor it was called on comes first. */
  readonly inputs: readonly unknown[];
  /** What the op returned: a tensor, or for some ops an array or object of tensors, or a plain value. */
  readonly output: unknown;
}

export type OpObserver = (op: ObservedOp) => void;

let observer: OpObserver | null = null;

/**
 * True while an observer waits for the next outermost op: false when nobody observes (so the hook at the top of an
 * op costs one check) and inside a reported op (so the ops it calls run unreported).
 */
export let observingOps = false;

// The installed method families (tensor-methods/install.ts says which), plus detach, which the class body defines:
// every tensor a forward pass makes from its input must come from a reported op, or an exporter cannot place it.
const observableMethods = new Set<string>(['detach']);

/** @internal Called by installTensorMethods: these methods are reported while an observer is set. */
export function markObservableMethods(names: Iterable<string>): void {
  for (const name of names) observableMethods.add(name);
}

/**
 * @internal The hook at the top of a public op function: `if (observingOps) return observeOp('conv2d', conv2d, [...])`.
 * Runs the op unobserved and reports it.
 */
export function observeOp<Inputs extends unknown[], Output>(
  name: string,
  op: (...inputs: Inputs) => Output,
  inputs: Inputs,
  calledAs: ObservedOp['calledAs'] = 'function',
): Output {
  const report = observer!;
  observingOps = false;
  try {
    const output = op(...inputs);
    report({ name, calledAs, inputs, output });
    return output;
  } finally {
    observingOps = observer !== null;
  }
}

// Methods are reported through wrappers put on Tensor.prototype only while an observer is set, so that a method call
// costs nothing extra the rest of the time; the originals go back when the observed function returns or throws.
function wrapMethods(): () => void {
  const originals = new Map<string, (...inputs: unknown[]) => unknown>();
  for (const name of observableMethods) {
    const original = Object.getOwnPropertyDescriptor(Tensor.prototype, name)?.value;
    if (typeof original !== 'function') continue;
    originals.set(name, original);
    const wrapper = function (this: Tensor, ...inputs: unknown[]): unknown {
      if (!observingOps) return original.apply(this, inputs);
      return observeOp(name, (self: Tensor, ...rest: unknown[]) => original.apply(self, rest), [this, ...inputs], 'method');
    };
    Object.defineProperty(Tensor.prototype, name, { value: wrapper, writable: true, configurable: true, enumerable: false });
  }
  return () => {
    for (const [name, original] of originals) {
      Object.defineProperty(Tensor.prototype, name, { value: original, writable: true, configurable: true, enumerable: false });
    }
  };
}

/**
 * Runs `fn` synchronously and reports to `observer` every outermost op it calls, in call order (the op has returned
 * when it is reported). Observers do not nest, and `fn` must not return a promise: ops after an `await` would run
 * unobserved.
 * @example
 * const names: string[] = [];
 * withOpObserver((op) => names.push(op.name), () => x.matmul(w).relu().softmax(1));
 * names; // ['matmul', 'relu', 'softmax']
 */
export function withOpObserver<T>(opObserver: OpObserver, fn: () => T): T {
  if (observer) throw new InvalidArgumentError('withOpObserver: an observer is already set; observers do not nest');
  observer = opObserver;
  observingOps = true;
  const restore = wrapMethods();
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new InvalidArgumentError('withOpObserver: fn returned a promise; only synchronous code can be observed');
    }
    return result;
  } finally {
    restore();
    observer = null;
    observingOps = false;
  }
}
