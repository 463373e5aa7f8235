/**
 * @lantern/losses: PyTorch's losses as functions and as modules (extending @lantern/nn's Module), with PyTorch's
 * options, reductions and numerics. Needs a registered backend (e.g. `await registerCpuBackend()`).
 */

// The core's class, re-exported so that one import gives the losses and the errors they throw.
export { InvalidArgumentError } from '@lantern/tensor';
export {
  type BinaryCrossEntropyOptions,
  type BinaryCrossEntropyWithLogitsOptions,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
} from './binary.js';
export { type CrossEntropyOptions, crossEntropy, type NllLossOptions, nllLoss } from './cross-entropy.js';
export { type KlDivOptions, klDiv } from './kl-div.js';
export {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  Loss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from './modules.js';
export type { Reduction } from './reduction.js';
export {
  type HuberOptions,
  huberLoss,
  l1Loss,
  mseLoss,
  type ReductionOptions,
  type SmoothL1Options,
  smoothL1Loss,
} from './regression.js';
