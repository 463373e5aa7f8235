import { record } from '../autograd/node.js';
import { getFastKernel } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Conv2dAttributes } from '../fast-kernels.js';
import type { Tensor } from '../tensor.js';
import { observeOp, observingOps } from '../trace.js';
import { cat, pad, stack } from './combine.js';
import { commonBackend, emptyTensor } from './dispatch.js';
import { slice } from './movement.js';

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  /** Zero padding per side, or 'valid' (none) or 'same' (output size = input size; stride 1 only). */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
}

/** A pair argument (kernel size, stride, padding) as two numbers: `3` is `[3, 3]`, as PyTorch's `_pair` reads it. */
export const toPair = (value: Pair): [number, number] => (typeof value === 'number' ? [value, value] : [value[0], value[1]]);

/** Windows of a padded input: for each kernel offset (i, j), the strided view of the positions it touches. */
export function kernelWindows(
  padded: Tensor,
  kernel: [number, number],
  stride: [number, number],
  dilation: [number, number],
  outputSize: [number, number],
): Tensor[] {
  const windows: Tensor[] = [];
  for (let i = 0; i < kernel[0]; i++) {
    for (let j = 0; j < kernel[1]; j++) {
      const rows = slice(padded, 2, i * dilation[0], i * dilation[0] + (outputSize[0] - 1) * stride[0] + 1, stride[0]);
      windows.push(slice(rows, 3, j * dilation[1], j * dilation[1] + (outputSize[1] - 1) * stride[1] + 1, stride[1]));
    }
  }
  return windows;
}

// The composition every backend gets for free: im2col from strided windows (stack), then one batched matmul.
function conv2dByComposition(input: Tensor, weight: Tensor, attributes: Conv2dAttributes, outputSize: [number, number]): Tensor {
  const [n, c] = input.shape as [number, number];
  const [o, , kh, kw] = weight.shape as [number, number, number, number];
  const [ph, pw] = attributes.padding;
  const padded = ph > 0 || pw > 0 ? pad(input, [pw, pw, ph, ph]) : input;
  const groups = attributes.groups;
  const perGroupIn = c / groups,
    perGroupOut = o / groups;
  const outputs: Tensor[] = [];
  for (let group = 0; group < groups; group++) {
    const groupInput = groups === 1 ? padded : slice(padded, 1, group * perGroupIn, (group + 1) * perGroupIn);
    const groupWeight = groups === 1 ? weight : slice(weight, 0, group * perGroupOut, (group + 1) * perGroupOut);
    const windows = kernelWindows(groupInput, [kh, kw], [...attributes.stride], [...attributes.dilation], outputSize);
    const columns = stack(windows, 2).reshape([n, perGroupIn * kh * kw, outputSize[0] * outputSize[1]]);
    outputs.push(groupWeight.reshape([perGroupOut, perGroupIn * kh * kw]).matmul(columns));
  }
  const joined = groups === 1 ? outputs[0]! : cat(outputs, 1);
  return joined.reshape([n, o, outputSize[0], outputSize[1]]);
}

function conv2dByFastKernels(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  attributes: Conv2dAttributes,
  outputSize: [number, number],
): Tensor | null {
  const backend = input.backend;
  const forward = getFastKernel(backend, 'conv2d');
  const backwardInput = getFastKernel(backend, 'conv2dBackwardInput');
  const backwardWeight = getFastKernel(backend, 'conv2dBackwardWeight');
  if (!forward || !backwardInput || !backwardWeight) return null;
  const x = input.contiguous(),
    w = weight.contiguous(),
    b = bias?.contiguous() ?? null;
  const output = emptyTensor([x.shape[0]!, w.shape[0]!, ...outputSize], x.dtype, backend);
  const view = (tensor: Tensor, op: string) => tensor.kernelView(op, backend);
  forward(view(x, 'conv2d'), view(w, 'conv2d'), b ? view(b, 'conv2d') : null, view(output, 'conv2d'), attributes);
  const inputs = b ? [x, w, b] : [x, w];
  return record('convolution', output, inputs, (g) => {
    const gradOutput = g.contiguous();
    let gradInput: Tensor | null = null,
      gradWeight: Tensor | null = null;
    if (x.requiresGrad) {
      gradInput = emptyTensor(x.shape, x.dtype, backend);
      const op = 'conv2dBackwardInput';
      backwardInput(view(gradOutput, op), view(w, op), view(gradInput, op), attributes);
    }
    if (w.requiresGrad) {
      gradWeight = emptyTensor(w.shape, w.dtype, backend);
      const op = 'conv2dBackwardWeight';
      backwardWeight(view(gradOutput, op), view(x, op), view(gradWeight, op), attributes);
    }
    const gradBias = b?.requiresGrad ? gradOutput.sum([0, 2, 3]) : null;
    return [gradInput, gradWeight, gradBias];
  });
}

/**
 * 2-D convolution (cross-correlation) of input [N, C, H, W] with weight [O, C/groups, KH, KW], as
 * torch.nn.functional.conv2d. Uses the backend's fast kernels when it registers all three, else a composition of
 * primitives.
 * @example
 * conv2d(randn([1, 3, 32, 32]), randn([32, 3, 5, 5]), null, { padding: 2 }).shape // [1, 32, 32, 32]
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  if (observingOps) return observeOp('conv2d', conv2d, [input, weight, bias, options]);
  commonBackend('conv2d', bias ? [input, weight, bias] : [input, weight]);
  if (input.ndim !== 4 || weight.ndim !== 4) {
    throw new ShapeError(
      `conv2d: expected 4-D input and weight, got input ${formatShape(input.shape)} and weight ${formatShape(weight.shape)}`,
    );
  }
  const groups = options.groups ?? 1;
  const [, c, h, w] = input.shape as [number, number, number, number];
  const [o, cPerGroup, kh, kw] = weight.shape as [number, number, number, number];
  if (c !== cPerGroup * groups || o % groups !== 0) {
    throw new ShapeError(
      `conv2d: input ${formatShape(input.shape)} and weight ${formatShape(weight.shape)} do not match ` +
        `with groups=${groups} (expected input channels ${cPerGroup * groups} and out channels divisible by ${groups})`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new ShapeError(
      `conv2d: bias ${formatShape(bias.shape)} does not match weight ${formatShape(weight.shape)} (expected [${o}])`,
    );
  }
  const stride = toPair(options.stride ?? 1),
    dilation = toPair(options.dilation ?? 1);
  let source = input,
    padding: [number, number];
  if (options.padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1)
      throw new ShapeError("conv2d: padding='same' is not supported for strided convolutions");
    const total = [dilation[0] * (kh - 1), dilation[1] * (kw - 1)];
    padding = [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2)];
    // An even kernel needs one more on the bottom/right, as PyTorch pads it.
    const extra = [total[0]! % 2, total[1]! % 2];
    if (extra[0] || extra[1]) source = pad(input, [0, extra[1]!, 0, extra[0]!]);
  } else padding = options.padding === 'valid' || options.padding === undefined ? [0, 0] : toPair(options.padding);
  const outputSize: [number, number] = [
    Math.floor((source.shape[2]! + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0]) + 1,
    Math.floor((source.shape[3]! + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1]) + 1,
  ];
  if (outputSize[0] <= 0 || outputSize[1] <= 0) {
    throw new ShapeError(`conv2d: kernel ${kh}x${kw} (dilation ${dilation.join('x')}) is larger than the padded input ${h}x${w}`);
  }
  const attributes: Conv2dAttributes = { stride, padding, dilation, groups };
  const fast = conv2dByFastKernels(source, weight, bias, attributes, outputSize);
  if (fast) return fast;
  const output = conv2dByComposition(source, weight, attributes, outputSize);
  return bias ? output.add(bias.reshape([1, o, 1, 1])) : output;
}
