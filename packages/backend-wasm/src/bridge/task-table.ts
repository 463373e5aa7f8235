import {
  convBackwardInput,
  convBackwardWeight,
  convForward,
  packGradOutput,
  pad,
  transposeWeights,
} from './convolution-tasks.js';
import { type ArgumentDeclaration, type TaskSignature, threadScratch } from './declaration.js';
import { winograd, winogradGradientFinish, winogradGradientTiles, winogradInput, winogradWeights } from './winograd-tasks.js';

// The one declaration of the bridge: every parallel task the module exports, with its arguments in slot order.
// scripts/build-wasm.mjs generates the AssemblyScript readers and the TypeScript callers from it; a task's index
// (how the calling thread names it to the workers) is its position in this table, never in assembly/index.ts.
// To add a task: declare its signature here (or add the task to a signature it shares), run `pnpm build:wasm`, read
// the arguments in assembly through the generated namespace (`import { Name } from './generated/bridge.gen'`),
// export the task from assembly/index.ts, and call it from TypeScript with the generated `run<Task>(pool, {...})`.

export { binaryOpCodes, unaryOpCodes } from './op-codes.js';

const probe: TaskSignature = {
  name: 'Probe',
  module: 'probe',
  tasks: ['probeTask'],
  description: 'Test probe for the pool: chunk c adds thread + 1 to out[c] after `work` iterations of busy work.',
  arguments: [
    ['out', 'address', 'int32 [chunks], zeroed'],
    ['work', 'int', 'iterations of busy work per chunk'],
  ],
};

const zero: TaskSignature = {
  name: 'Zero',
  module: 'elementwise',
  tasks: ['zeroTask'],
  description: 'Zero-fills [start, start + bytes), chunkBytes per chunk: large recycled blocks are cleared by the whole pool.',
  arguments: [
    ['start', 'address', 'first byte'],
    ['bytes', 'address', 'bytes to clear'],
    ['chunkBytes', 'address', 'bytes per chunk'],
  ],
};

const matmul: TaskSignature = {
  name: 'Matmul',
  module: 'gemm',
  tasks: ['matmulTask'],
  description: 'C[b] = A[b] · B[b], any strides (in elements); one chunk = (batch entry, block of rows, block of columns).',
  arguments: [
    ['batch', 'int', 'batch entries'],
    ['m', 'int', 'rows of A and C'],
    ['n', 'int', 'columns of B and C'],
    ['k', 'int', 'columns of A, rows of B'],
    ['a', 'address', 'A'],
    ['aBatchStride', 'int', 'A: elements from one batch entry to the next (0: broadcast)'],
    ['aRowStride', 'int', 'A: elements from one row to the next'],
    ['aColumnStride', 'int', 'A: elements from one column to the next'],
    ['b', 'address', 'B'],
    ['bBatchStride', 'int', 'B: elements from one batch entry to the next (0: broadcast)'],
    ['bRowStride', 'int', 'B: elements from one row to the next'],
    ['bColumnStride', 'int', 'B: elements from one column to the next'],
    ['c', 'address', 'C'],
    ['cBatchStride', 'int', 'C: elements from one batch entry to the next'],
    ['cRowStride', 'int', 'C: elements from one row to the next (columns are contiguous)'],
    ['blockRows', 'int', 'rows per block'],
    ['blockColumns', 'int', 'columns per block (a multiple of 8)'],
    ...threadScratch,
  ],
};

/** The windows a pooling task slides over its planes: the arguments max and average pooling share. */
const poolWindows: readonly ArgumentDeclaration[] = [
  ['planes', 'int', 'N · C'],
  ['height', 'int', 'H'],
  ['width', 'int', 'W'],
  ['outHeight', 'int', 'OH'],
  ['outWidth', 'int', 'OW'],
  ['kernelHeight', 'int', 'KH'],
  ['kernelWidth', 'int', 'KW'],
  ['strideHeight', 'int', 'vertical stride'],
  ['strideWidth', 'int', 'horizontal stride'],
  ['paddingHeight', 'int', 'rows of padding above and below'],
  ['paddingWidth', 'int', 'columns of padding left and right'],
];

const maxPool: TaskSignature = {
  name: 'MaxPool',
  module: 'pool',
  tasks: ['maxPoolTask'],
  description: 'Max pooling with argmax indices; one chunk = a run of [H, W] planes. Padding never wins, NaN does.',
  arguments: [
    ...poolWindows,
    ['dilationHeight', 'int', 'vertical dilation'],
    ['dilationWidth', 'int', 'horizontal dilation'],
    ['input', 'address', '[planes, H, W]'],
    ['output', 'address', '[planes, OH, OW]'],
    ['indices', 'address', 'int32 [planes, OH, OW], flat indices into the input plane'],
    ['planesPerChunk', 'int', 'planes per chunk'],
  ],
};

const maxPoolBackward: TaskSignature = {
  name: 'MaxPoolBackward',
  module: 'pool',
  tasks: ['maxPoolBackwardTask'],
  description:
    'Scatter-adds each output gradient to its saved index; one chunk = a run of planes (windows may overlap, planes never).',
  arguments: [
    ['planes', 'int', 'N · C'],
    ['inputPlane', 'int', 'H · W'],
    ['outputPlane', 'int', 'OH · OW'],
    ['gradOutput', 'address', '[planes, OH, OW]'],
    ['indices', 'address', 'int32 [planes, OH, OW]'],
    ['gradInput', 'address', '[planes, H, W], set whole (each plane zeroed first)'],
    ['planesPerChunk', 'int', 'planes per chunk'],
  ],
};

const averagePool: TaskSignature = {
  name: 'AveragePool',
  module: 'avg-pool',
  tasks: ['avgPoolTask', 'avgPoolBackwardTask'],
  description:
    "Average pooling with avg_pool2d's divisor rules; one chunk = a run of planes. Forward: source is the input, " +
    'destination the output. Backward: source is the output gradient, destination the input gradient (each plane zeroed first).',
  arguments: [
    ...poolWindows,
    ['countIncludePad', 'flag', 'count the zero padding in each divisor'],
    ['divisorOverride', 'int', 'divide every window by this; 0 for none'],
    ['source', 'address', 'forward: input [planes, H, W]; backward: gradient of the output [planes, OH, OW]'],
    ['destination', 'address', 'forward: output [planes, OH, OW]; backward: gradient of the input [planes, H, W]'],
    ['planesPerChunk', 'int', 'planes per chunk'],
  ],
};

const sgd: TaskSignature = {
  name: 'Sgd',
  module: 'optimizer-updates',
  tasks: ['sgdTask'],
  description: "torch.optim.SGD's rule in place, rounding where the cpu reference rounds; one chunk = a run of elements.",
  arguments: [
    ['parameter', 'address', 'float32 parameter, updated in place'],
    ['grad', 'address', 'its gradient'],
    ['momentumBuffer', 'address', 'the momentum buffer, or 0 for none'],
    ['size', 'int', 'elements'],
    ['elementsPerChunk', 'int', 'elements per chunk'],
    ['maximize', 'flag', 'ascend the gradient'],
    ['nesterov', 'flag', 'Nesterov momentum'],
    ['firstStep', 'flag', 'the momentum buffer starts as the gradient'],
    ['lr', 'real', 'learning rate'],
    ['momentum', 'real', 'momentum factor'],
    ['dampening', 'real', 'dampening of the momentum'],
    ['weightDecay', 'real', 'L2 penalty'],
  ],
};

const adam: TaskSignature = {
  name: 'Adam',
  module: 'optimizer-updates',
  tasks: ['adamTask'],
  description:
    "torch.optim.Adam / AdamW's rule in place, rounding where the cpu reference rounds; one chunk = a run of elements.",
  arguments: [
    ['parameter', 'address', 'float32 parameter, updated in place'],
    ['grad', 'address', 'its gradient'],
    ['expAvg', 'address', 'exp_avg'],
    ['expAvgSq', 'address', 'exp_avg_sq'],
    ['maxExpAvgSq', 'address', 'max_exp_avg_sq (amsgrad), or 0 for none'],
    ['size', 'int', 'elements'],
    ['elementsPerChunk', 'int', 'elements per chunk'],
    ['maximize', 'flag', 'ascend the gradient'],
    ['decoupledWeightDecay', 'flag', 'AdamW: decay the parameter, not the gradient'],
    ['lr', 'real', 'learning rate'],
    ['beta1', 'real', 'decay of the first moment'],
    ['beta2', 'real', 'decay of the second moment'],
    ['eps', 'real', 'added to the denominator'],
    ['weightDecay', 'real', 'weight decay'],
    ['stepSize', 'real', 'lr / bias correction 1'],
    ['biasCorrection2Sqrt', 'real', 'sqrt(bias correction 2)'],
  ],
};

const elementwiseProgram: TaskSignature = {
  name: 'ElementwiseProgram',
  module: 'elementwise-program',
  tasks: ['elementwiseProgramTask'],
  description:
    'A chain of float32 unary and binary steps over contiguous or broadcast inputs into a contiguous output, block by ' +
    'block through the row kernels of elementwise.ts; one chunk = a run of elements.',
  arguments: [
    ['program', 'address', 'the encoded program (src/bridge/elementwise-program-layout.ts)'],
    ['inputCount', 'int', 'inputs of the program'],
    ['stepCount', 'int', 'steps of the program, at least 1'],
    ['output', 'address', 'float32 output, contiguous'],
    ['size', 'int', 'elements'],
    ['elementsPerChunk', 'int', 'elements per chunk, a multiple of blockElements'],
    ['blockElements', 'int', 'elements per block, a multiple of 4; each step result holds one block'],
    ...threadScratch,
  ],
};

/** Every task signature; the tasks' indices follow this order, then each signature's `tasks` order. */
export const taskSignatures: readonly TaskSignature[] = [
  probe,
  zero,
  pad,
  convForward,
  transposeWeights,
  convBackwardInput,
  packGradOutput,
  convBackwardWeight,
  matmul,
  maxPool,
  maxPoolBackward,
  averagePool,
  sgd,
  adam,
  winogradWeights,
  winogradInput,
  winograd,
  winogradGradientTiles,
  winogradGradientFinish,
  elementwiseProgram,
];
