import { Tensor } from '../tensor.js';
import { markObservableMethods } from '../trace.js';
import { conversionMethods } from './conversion.js';
import { elementwiseMethods } from './elementwise.js';
import { inPlaceMethods } from './in-place.js';
import { movementMethods } from './movement.js';
import { readingMethods } from './reading.js';
import { reduceMethods } from './reduce.js';

/** Every method family, keyed by method name. */
const tensorMethods = {
  ...readingMethods,
  ...conversionMethods,
  ...elementwiseMethods,
  ...reduceMethods,
  ...movementMethods,
  ...inPlaceMethods,
};

/**
 * Defines the method families on Tensor.prototype as a class body would (non-enumerable). This is the one module
 * that imports both the Tensor class and the ops; the package entry calls it, so any program that can reach a tensor
 * has its methods. A call rather than an import for its side effect: the package is `sideEffects: false`, and
 * bundlers drop a module whose exports nobody uses.
 */
export function installTensorMethods(): void {
  for (const [name, method] of Object.entries(tensorMethods)) {
    Object.defineProperty(Tensor.prototype, name, { value: method, writable: true, configurable: true, enumerable: false });
  }
  markObservableMethods(Object.keys(tensorMethods));
}
