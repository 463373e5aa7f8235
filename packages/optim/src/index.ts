/**
 * @lantern/optim: torch.optim for Lantern. Optimizers keep PyTorch's data model (parameter groups, per-parameter
 * state, index-based state dicts) and call pure update functions (`sgd`, `adam`, ...) whose rules are torch 1.13's.
 * Nothing here registers a backend: register one first (e.g. `await registerCpuBackend()` from `@lantern/backend-cpu`).
 * @example
 * const optimizer = new SGD([weight, bias], { lr: 0.1, momentum: 0.9 });
 * optimizer.zeroGrad();
 * loss.backward();
 * optimizer.step();
 */

export { Adagrad, type AdagradOptions, adagrad } from './adagrad.js';
export { type AdamOptions, adam, adamw } from './adam.js';
export { Adam, AdamW } from './adam-optimizers.js';
export { OptimizerError, SchedulerError } from './errors.js';
export * as lrScheduler from './lr-scheduler/index.js';
export {
  type Closure,
  Optimizer,
  type OptimizerOptions,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type Params,
  type SchedulerGroupFields,
} from './optimizer.js';
export { RMSprop, type RmspropOptions, rmsprop } from './rmsprop.js';
export { type EncodedTensor, type JsonValue, stateDictFromJson, stateDictToJson } from './serialization.js';
export { SGD, type SgdOptions, sgd } from './sgd.js';
