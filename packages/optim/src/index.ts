/**
 * @lantern/optim: torch.optim for Lantern. Optimizers keep PyTorch's data model (parameter groups, per-parameter
 * state, index-based state dicts) and call pure update functions (`sgd`, `adam`, ...) whose rules are torch 1.13's.
 * Nothing here imports a backend: register one by importing it (e.g. `import '@lantern/backend-cpu'`).
 * @example
 * const optimizer = new SGD([weight, bias], { lr: 0.1, momentum: 0.9 });
 * optimizer.zeroGrad();
 * loss.backward();
 * optimizer.step();
 */
export {
  Optimizer, type OptimizerOptions, type OptimizerStateDict, type ParamGroup, type ParamGroupInput, type ParamState, type Params,
  type SchedulerGroupFields, type Closure,
} from './optimizer.js';
export { OptimizerError, SchedulerError } from './errors.js';
export { SGD, sgd, type SgdOptions } from './sgd.js';
export { adam, adamw, type AdamOptions } from './adam.js';
export { Adam, AdamW } from './adam-optimizers.js';
export { RMSprop, rmsprop, type RmspropOptions } from './rmsprop.js';
export { Adagrad, adagrad, type AdagradOptions } from './adagrad.js';
export { stateDictToJson, stateDictFromJson, type JsonValue, type EncodedTensor } from './serialization.js';
export * as lrScheduler from './lr-scheduler/index.js';
