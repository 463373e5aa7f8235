/**
 * @lantern/tensor: strided tensors with PyTorch's autograd, and the backend contract every backend implements.
 * Register a backend by calling its package's register function (e.g. `await registerCpuBackend()` from
 * `@lantern/backend-cpu`); importing a package, this one included, registers nothing.
 */
import { installTensorMethods } from './tensor-methods/install.js';

// Tensor's methods are defined in tensor-methods/ (the ops they call import the class, so the class cannot import
// them) and installed here, in the entry every program imports, as a call that no bundler can drop as unused.
installTensorMethods();

export { enableGrad, isGradEnabled, noGrad } from './autograd/grad-mode.js';
export { type BackwardFunction, GradNode, record } from './autograd/node.js';
export {
  type Backend,
  type ElementwiseProgram,
  type ElementwiseStep,
  type FusibleOp,
  fusibleOps,
  isTensorView,
  type TensorView,
} from './backend.js';
export { type CompiledStep, checkValues, compile, runEagerly } from './compile/compile.js';
export type { DType, TypedArray } from './dtype.js';
export { allocateArray, dtypes, isFloating, promoteTypes } from './dtype.js';
export {
  getBackend,
  getFastKernel,
  memory,
  registerBackend,
  registeredBackends,
  registerFastKernel,
  Storage,
  setBackend,
  unregisterFastKernel,
} from './engine.js';
export {
  AutogradError,
  BackendError,
  BackendMismatchError,
  CompileError,
  DimError,
  DisposedError,
  DTypeError,
  DuplicateKernelError,
  formatShape,
  InvalidArgumentError,
  KernelNotFoundError,
  LanternError,
  ShapeError,
  SyncReadError,
} from './errors.js';
export * from './fast-kernels.js';
export * from './kernel-names.js';
export { clamp, gelu, leakyRelu, logSoftmax, softmax } from './ops/activation.js';
export { type Operand, sumToShape } from './ops/broadcast.js';
export { cat, chunk, pad, split, stack } from './ops/combine.js';
export { type Conv2dOptions, conv2d, type Pair, toPair } from './ops/conv.js';
export {
  arange,
  type CreationOptions,
  eye,
  fromArray,
  full,
  linspace,
  type NestedArray,
  ones,
  tensor,
  zeros,
} from './ops/creation.js';
export { emptyTensor } from './ops/dispatch.js';
export { cast } from './ops/elementwise.js';
export { linear, matmul } from './ops/linalg.js';
export { softmaxCrossEntropy } from './ops/loss.js';
export { type AdamUpdateOptions, adamUpdate_, type SgdUpdateOptions, sgdUpdate_ } from './ops/optimizer.js';
export {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type MaxPoolResult,
  maxPool2d,
  type Pool2dOptions,
} from './ops/pool.js';
export {
  fillNormal,
  fillUniform,
  type RandomOptions,
  rand,
  randint,
  randintValues,
  randn,
  randperm,
  randpermValues,
} from './ops/random.js';
export type { ValuesAndIndices } from './ops/reduce.js';
export { where } from './ops/where.js';
export { defaultGenerator, Generator, type GeneratorState, manualSeed } from './random.js';
export { keep, tidy } from './scope.js';
export { broadcastShapes, contiguousStrides, isContiguous, normalizeDim, type Shape, sizeOf } from './shape.js';
export { DuplicateCoreError, type LoadedCore } from './single-copy.js';
export { type Dims, Tensor } from './tensor.js';
export type { Nested } from './to-nested.js';
export { type ObservedOp, type OpObserver, observeOp, observingOps, withOpObserver } from './trace.js';
