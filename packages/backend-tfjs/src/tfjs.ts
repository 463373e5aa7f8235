/**
 * The one place tfjs-core is loaded. `@tensorflow/tfjs-core` has no `exports` map, so each runtime picks its own entry:
 * Node's ESM loader follows `main` to the CommonJS bundle (its ESM files under dist/ use extensionless imports that
 * Node rejects) and exposes its named exports through Node's CommonJS interop; a bundler follows `module` (or
 * `browser`) to the ESM build. Either way this namespace import is the whole of tfjs-core, and the tfjs backends
 * (`@tensorflow/tfjs-backend-cpu`, `-wasm`, ...) resolve the same copy, so they register into the same engine.
 */
import * as tf from '@tensorflow/tfjs-core';

export { tf };
export type TfTensor = tf.Tensor;
export type TfDType = 'float32' | 'int32' | 'bool';
