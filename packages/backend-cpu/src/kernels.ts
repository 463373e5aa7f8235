/** Side-effect-free access to the cpu kernels (for tests, benchmarks and other backends' fallbacks). */
export { createCpuBackend } from './backend.js';
export { conv2d } from './kernels/conv2d.js';
export { conv2dBackwardInput } from './kernels/conv2d-backward-input.js';
export { conv2dBackwardWeight } from './kernels/conv2d-backward-weight.js';
export { gemm, type MatrixView, type OutputArray } from './kernels/gemm.js';
export { maxPool2d, maxPool2dBackward } from './kernels/max-pool2d.js';
export { adamUpdate, sgdUpdate } from './kernels/optimizer-updates.js';
export { softmaxCrossEntropy } from './kernels/softmax-cross-entropy.js';
export { forEachRow } from './kernels/strided.js';
export { cpuFastKernels } from './register-all.js';
