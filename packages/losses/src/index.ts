/**
 * @lantern/losses: PyTorch's losses as functions and as modules (extending @lantern/nn's Module), with PyTorch's
 * options, reductions and numerics. Needs a registered backend (e.g. `import '@lantern/backend-cpu'`).
 */
export type { Reduction } from './reduction.js';
export { crossEntropy, nllLoss, type CrossEntropyOptions, type NllLossOptions } from './cross-entropy.js';
export { mseLoss, l1Loss, smoothL1Loss, huberLoss, type ReductionOptions, type SmoothL1Options, type HuberOptions } from './regression.js';
export {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, type BinaryCrossEntropyOptions, type BinaryCrossEntropyWithLogitsOptions,
} from './binary.js';
export { klDiv, type KlDivOptions } from './kl-div.js';
export {
  Loss, CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss,
} from './modules.js';
