/**
 * @lantern/tensor: strided tensors with PyTorch's autograd, and the backend contract every backend implements.
 * Register a backend by importing it (e.g. `import '@lantern/backend-cpu'`); nothing here has side effects.
 */
export { Tensor } from './tensor.js';
export type { Backend, TensorView } from './backend.js';
export type { DType, TypedArray } from './dtype.js';
export { dtypes, isFloating, promoteTypes, allocateArray } from './dtype.js';
export {
  LanternError, ShapeError, DTypeError, DimError, KernelNotFoundError, BackendError, AutogradError, DisposedError,
  SyncReadError, formatShape,
} from './errors.js';
export { DuplicateCoreError, type LoadedCore } from './single-copy.js';
export * from './kernel-names.js';
export type * from './fast-kernels.js';
export {
  registerBackend, setBackend, getBackend, registeredBackends, registerFastKernel, unregisterFastKernel, getFastKernel,
  Storage,
} from './engine.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/grad-mode.js';
export { GradNode, record, type BackwardFunction } from './autograd/node.js';
export { tidy, keep } from './scope.js';
export { Generator, defaultGenerator, manualSeed } from './random.js';
export { sizeOf, contiguousStrides, isContiguous, broadcastShapes, normalizeDim } from './shape.js';
export type { Nested } from './to-nested.js';

export { tensor, fromArray, full, zeros, ones, arange, linspace, eye, type CreationOptions, type NestedArray } from './ops/creation.js';
export { rand, randn, randint, randperm, fillUniform, fillNormal, type RandomOptions } from './ops/random.js';
export { where, cast, sumToShape, type Operand } from './ops/elementwise.js';
export { cat, stack, pad, split, chunk } from './ops/combine.js';
export { matmul, linear } from './ops/linalg.js';
export { clamp, leakyRelu, gelu, softmax, logSoftmax } from './ops/activation.js';
export { conv2d, type Conv2dOptions, type Pair } from './ops/conv.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, type Pool2dOptions, type AvgPool2dOptions, type MaxPoolResult } from './ops/pool.js';
export { softmaxCrossEntropy } from './ops/loss.js';
export type { ValuesAndIndices } from './ops/reduce.js';
export { emptyTensor } from './ops/dispatch.js';
