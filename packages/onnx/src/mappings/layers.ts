import type { BatchNormOptions } from '@lantern/nn';
import { type AvgPool2dOptions, type Conv2dOptions, type Pair, type Pool2dOptions, type Tensor, toPair } from '@lantern/tensor';
import { attribute, type OpContext, type OpMapping } from '../export/graph-builder.js';

function conv2d(context: OpContext) {
  const [input, weight, bias, options = {}] = context.inputs as [Tensor, Tensor, (Tensor | null)?, Conv2dOptions?];
  const kernel = [weight.shape[2]!, weight.shape[3]!] as const;
  const stride = toPair(options.stride ?? 1),
    dilation = toPair(options.dilation ?? 1);
  let pads: number[];
  if (options.padding === 'same') {
    // As Lantern (and PyTorch) pad for 'same': half before, and the odd one out after.
    const total = [dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)] as const;
    const before = [Math.floor(total[0] / 2), Math.floor(total[1] / 2)] as const;
    pads = [before[0], before[1], total[0] - before[0], total[1] - before[1]];
  } else {
    const padding = options.padding === undefined || options.padding === 'valid' ? ([0, 0] as const) : toPair(options.padding);
    pads = [padding[0], padding[1], padding[0], padding[1]];
  }
  const inputs = [context.value(input), context.value(weight), ...(bias ? [context.value(bias)] : [])];
  context.produce('Conv', inputs, [
    attribute.ints('kernel_shape', kernel),
    attribute.ints('strides', stride),
    attribute.ints('pads', pads),
    attribute.ints('dilations', dilation),
    attribute.int('group', options.groups ?? 1),
  ]);
}

/** ONNX's pooled extent (no ceil-mode rule about the last window, unlike PyTorch's). */
const onnxPooledExtent = (size: number, kernel: number, pad: number, stride: number, dilation: number, ceil: boolean) =>
  (ceil ? Math.ceil : Math.floor)((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;

/**
 * The pooling attributes. Ceil mode is kept only where ONNX's output size equals Lantern's, for the example and the
 * grown inputs alike: PyTorch drops a last window that would start in the padding, and ONNX's formula does not.
 */
function poolAttributes(context: OpContext, input: Tensor, output: Tensor, kernelSize: Pair, options: Pool2dOptions) {
  const kernel = toPair(kernelSize),
    stride = toPair(options.stride ?? kernelSize),
    padding = toPair(options.padding ?? 0),
    dilation = toPair(options.dilation ?? 1);
  const [from, to] = [context.dims(input), context.dims(output)];
  const fits = (ceil: boolean) =>
    [0, 1].every((axis) =>
      [from.shape, from.alternate].every((inShape, pass) => {
        const expected = onnxPooledExtent(
          inShape[axis + 2]!,
          kernel[axis]!,
          padding[axis]!,
          stride[axis]!,
          dilation[axis]!,
          ceil,
        );
        return expected === (pass === 0 ? to.shape : to.alternate)[axis + 2];
      }),
    );
  // Floor mode wherever it gives the same windows: ceil_mode=1 only where it is needed and agrees.
  const ceilMode = fits(false) ? 0 : (options.ceilMode ?? false) && fits(true) ? 1 : -1;
  if (ceilMode === -1)
    context.fail("with ceilMode, the last window starts in the padding, where ONNX's ceil_mode keeps a window PyTorch drops");
  const attributes = [
    attribute.ints('kernel_shape', kernel),
    attribute.ints('strides', stride),
    attribute.ints('pads', [padding[0], padding[1], padding[0], padding[1]]),
    attribute.int('ceil_mode', ceilMode),
  ];
  return { attributes, dilation, ceilMode };
}

function maxPool2d(context: OpContext) {
  const [input, kernelSize, options = {}] = context.inputs as [Tensor, Pair, Pool2dOptions?];
  const { values, indices } = context.op.output as { values: Tensor; indices: Tensor };
  const pool = poolAttributes(context, input, values, kernelSize, options);
  const [output] = context.node(
    'MaxPool',
    [context.value(input)],
    [...pool.attributes, attribute.ints('dilations', pool.dilation)],
  );
  context.bind(values, output!);
  context.markUnavailable(indices, "it uses max pooling's indices, which are per plane in Lantern and per tensor in ONNX");
}

function avgPool2d(context: OpContext) {
  const [input, kernelSize, options = {}] = context.inputs as [Tensor, Pair, AvgPool2dOptions?];
  const pool = poolAttributes(context, input, context.output, kernelSize, options);
  if ((options.divisorOverride ?? null) !== null) context.fail('ONNX AveragePool has no divisor override');
  // ceil_mode's edge windows are averaged over different counts by PyTorch and ONNX Runtime; only exact fits export.
  if (pool.ceilMode === 1) {
    context.fail('with ceilMode, windows past the edge are averaged over a different count in ONNX');
  }
  const countIncludePad = attribute.int('count_include_pad', (options.countIncludePad ?? true) ? 1 : 0);
  context.produce('AveragePool', [context.value(input)], [...pool.attributes, countIncludePad]);
}

function adaptiveAvgPool2d(context: OpContext) {
  const [input, outputSize] = context.inputs as [Tensor, Pair];
  const [outHeight, outWidth] = toPair(outputSize);
  if (outHeight === 1 && outWidth === 1) return context.produce('GlobalAveragePool', [context.value(input)]);
  const from = context.dims(input);
  const [height, width] = [input.shape[2]!, input.shape[3]!];
  if (from.dynamic[2] || from.dynamic[3] || height % outHeight !== 0 || width % outWidth !== 0) {
    context.fail(`an output of ${outHeight}x${outWidth} is one AveragePool only from fixed input sizes that divide evenly`);
  }
  const kernel = [height / outHeight, width / outWidth];
  context.produce(
    'AveragePool',
    [context.value(input)],
    [attribute.ints('kernel_shape', kernel), attribute.ints('strides', kernel)],
  );
}

function linear(context: OpContext) {
  const [input, weight, bias] = context.inputs as [Tensor, Tensor, (Tensor | null)?];
  const dtype = context.output.dtype;
  if (input.ndim === 2) {
    // Gemm computes input · weightᵀ + bias in one node, as PyTorch exports Linear.
    const inputs = [context.value(input, dtype), context.value(weight, dtype), ...(bias ? [context.value(bias, dtype)] : [])];
    return context.produce('Gemm', inputs, [attribute.int('transB', 1)]);
  }
  const transposed = context.node('Transpose', [context.value(weight, dtype)], [attribute.ints('perm', [1, 0])]);
  const product = context.node('MatMul', [context.value(input, dtype), transposed[0]!]);
  if (!bias) return context.bind(context.output, product[0]!);
  context.produce('Add', [product[0]!, context.value(bias, dtype)]);
}

function batchNorm(context: OpContext) {
  const [input, options = {}] = context.inputs as [Tensor, BatchNormOptions?];
  const { runningMean, runningVar, weight, bias, training = false, eps = 1e-5 } = options;
  if (training || !runningMean || !runningVar) {
    context.fail("it normalises with the batch's statistics (training mode, or a BatchNorm without running statistics)");
  }
  const dtype = input.dtype,
    channels = input.shape[1]!;
  const scale = weight ? context.value(weight, dtype) : context.constant(dtype, [channels], new Array(channels).fill(1));
  const shift = bias ? context.value(bias, dtype) : context.constant(dtype, [channels], new Array(channels).fill(0));
  context.produce(
    'BatchNormalization',
    [context.value(input), scale, shift, context.value(runningMean, dtype), context.value(runningVar, dtype)],
    [attribute.float('epsilon', eps)],
  );
}

export const layerMappings: Readonly<Record<string, OpMapping>> = {
  conv2d,
  maxPool2d,
  avgPool2d,
  adaptiveAvgPool2d,
  linear,
  matmul: (context) => {
    const [left, right] = context.inputs as [Tensor, Tensor];
    const dtype = context.output.dtype;
    context.produce('MatMul', [context.value(left, dtype), context.value(right, dtype)]);
  },
  batchNorm,
  dropout: (context) => {
    const [input, p = 0.5, training = true] = context.inputs as [Tensor, number?, boolean?];
    if (training && p !== 0) context.fail('it drops values at random: export in eval mode, where dropout is the identity');
    context.alias(input);
  },
};
