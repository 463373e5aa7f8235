import type { Tensor } from './tensor.js';

// Each open tidy() scope tracks the tensors created inside it, to dispose all but the ones it returns.
const scopes: Set<Tensor>[] = [];
// Every tensor passes through trackTensor in its constructor, so membership here tells tidy() what is a tensor
// without this module importing the Tensor class (which imports this module).
const constructedTensors = new WeakSet<object>();

/** Called by the Tensor constructor: the tensor joins the innermost open tidy() scope. */
export function trackTensor(tensor: Tensor): void {
  constructedTensors.add(tensor);
  scopes[scopes.length - 1]?.add(tensor);
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && constructedTensors.has(value);
}

/** Exempts a tensor from disposal by the enclosing tidy() scopes (gradients, optimizer state, running stats). */
export function keep<T extends Tensor>(tensor: T): T {
  for (const scope of scopes) scope.delete(tensor);
  return tensor;
}

function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (isTensor(value)) into.add(value);
  else if (Array.isArray(value)) for (const item of value) collectTensors(item, into);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collectTensors(item, into);
  }
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns (in an array or plain object too), like
 * tfjs's `tf.tidy`. Needed on backends whose memory the garbage collector cannot see (wasm, WebGPU).
 * @example
 * const y = tidy(() => x.mul(2).add(1).sum()); // the intermediate x*2 and x*2+1 are freed now
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const returned = new Set<Tensor>();
  collectTensors(result, returned);
  for (const tensor of scope) {
    if (!returned.has(tensor)) tensor.dispose();
  }
  for (const tensor of returned) trackTensor(tensor);
  return result;
}
