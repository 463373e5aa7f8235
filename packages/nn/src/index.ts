/**
 * @lantern/nn: Module (PyTorch's registration, modes and state-dict names), layers with PyTorch's default init, the
 * init namespace, and safetensors I/O on bytes. Needs a registered backend (e.g. `import '@lantern/backend-cpu'`).
 * File helpers for Node live in '@lantern/nn/node'.
 */
export { Module, type AnyModule } from './module.js';
export { Parameter } from './parameter.js';
export type { StateDict, LoadStateDictOptions, LoadStateDictResult } from './state-dict.js';
export { StateDictError, SafetensorsError, InvalidArgumentError, type ShapeMismatch, type SafetensorsErrorReason } from './errors.js';
export type { LayerOptions, Pair } from './layer-options.js';
export { Linear, Identity, Flatten, type LinearOptions } from './linear.js';
export { Conv2d, type Conv2dLayerOptions } from './conv.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dLayerOptions, type AdaptiveOutputSize } from './pooling.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax } from './activation.js';
export { Dropout, dropout } from './dropout.js';
export { BatchNorm1d, BatchNorm2d, batchNorm, type BatchNormOptions, type BatchNormLayerOptions } from './batchnorm.js';
export { Sequential, ModuleList } from './containers.js';
export * as init from './init.js';
export {
  encodeSafetensors, decodeSafetensors, readSafetensorsHeader, maxHeaderBytes,
  type EncodeSafetensorsOptions, type DecodeSafetensorsOptions, type DecodedSafetensors, type SafetensorsHeader, type SafetensorsEntry,
} from './safetensors.js';
