/**
 * @lantern/nn: Module (PyTorch's registration, modes and state-dict names), layers with PyTorch's default init, the
 * init namespace, and safetensors I/O on bytes. Needs a registered backend (e.g. `await registerCpuBackend()`).
 * File helpers for Node live in '@lantern/nn/node'.
 */

export type { Pair } from '@lantern/tensor';
// Declared in the core; re-exported so that code importing it from '@lantern/nn' keeps working.
export { InvalidArgumentError } from '@lantern/tensor';
export { GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './activation.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormLayerOptions, type BatchNormOptions, batchNorm } from './batchnorm.js';
export { ModuleList, Sequential } from './containers.js';
export { Conv2d, type Conv2dLayerOptions } from './conv.js';
export { Dropout, dropout } from './dropout.js';
export {
  type InvalidEntry,
  SafetensorsError,
  type SafetensorsErrorReason,
  type ShapeMismatch,
  StateDictError,
} from './errors.js';
export * as init from './init.js';
export type { LayerOptions } from './layer-options.js';
export { Flatten, Identity, Linear, type LinearOptions } from './linear.js';
export { type AnyModule, Module } from './module.js';
export { Parameter } from './parameter.js';
export {
  AdaptiveAvgPool2d,
  type AdaptiveOutputSize,
  AvgPool2d,
  type AvgPool2dLayerOptions,
  MaxPool2d,
  type MaxPool2dOptions,
} from './pooling.js';
export {
  type DecodedSafetensors,
  type DecodeSafetensorsOptions,
  decodeSafetensors,
  type EncodeSafetensorsOptions,
  encodeSafetensors,
  maxHeaderBytes,
  readSafetensorsHeader,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './safetensors.js';
export type { LoadStateDictOptions, LoadStateDictResult, StateDict } from './state-dict.js';
