import { record } from '../autograd/node.js';
import { getFastKernel } from '../engine.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import type { AvgPool2dAttributes, Pool2dAttributes } from '../fast-kernels.js';
import type { Tensor } from '../tensor.js';
import { observeOp, observingOps } from '../trace.js';
import { pad, stack } from './combine.js';
import { kernelWindows, type Pair, toPair } from './conv.js';
import { fromArray } from './creation.js';
import { emptyTensor } from './dispatch.js';
import { slice } from './movement.js';

export interface Pool2dOptions {
  /** Defaults to kernelSize, as in PyTorch. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

/** PyTorch's pooling_output_shape, including its ceil-mode rule that the last window must start inside the input. */
function pooledExtent(size: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let extent = Math.floor(span / stride) + 1;
  if (ceilMode && (extent - 1) * stride >= size + pad) extent--;
  return extent;
}

function poolGeometry(op: string, input: Tensor, kernelSize: Pair, options: Pool2dOptions) {
  if (input.ndim !== 4) throw new ShapeError(`${op}: expected a 4-D input [N, C, H, W], got ${formatShape(input.shape)}`);
  const kernel = toPair(kernelSize),
    stride = toPair(options.stride ?? kernelSize);
  const padding = toPair(options.padding ?? 0),
    dilation = toPair(options.dilation ?? 1);
  if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
    throw new ShapeError(`${op}: padding ${padding.join('x')} should be at most half of kernel size ${kernel.join('x')}`);
  }
  const [, , h, w] = input.shape as [number, number, number, number];
  const ceilMode = options.ceilMode ?? false;
  const outputSize: [number, number] = [
    pooledExtent(h, kernel[0], padding[0], stride[0], dilation[0], ceilMode),
    pooledExtent(w, kernel[1], padding[1], stride[1], dilation[1], ceilMode),
  ];
  if (outputSize[0] <= 0 || outputSize[1] <= 0) {
    throw new ShapeError(`${op}: output size ${outputSize.join('x')} is too small for input ${formatShape(input.shape)}`);
  }
  // Ceil mode can let the last window run past the padded input; pad that far too.
  const needed = [0, 1].map((axis) => (outputSize[axis]! - 1) * stride[axis]! + (kernel[axis]! - 1) * dilation[axis]! + 1);
  const extra = [Math.max(needed[0]! - (h + 2 * padding[0]), 0), Math.max(needed[1]! - (w + 2 * padding[1]), 0)];
  const attributes: Pool2dAttributes = { kernelSize: kernel, stride, padding, dilation };
  return { kernel, stride, padding, dilation, outputSize, extra, attributes, h, w };
}

export interface MaxPoolResult {
  readonly values: Tensor;
  /** Flat index of each maximum within its input's H*W plane (int32), as PyTorch's return_indices. */
  readonly indices: Tensor;
}

/**
 * Max pooling over [N, C, H, W] with PyTorch's options and its indices; the gradient goes to the first maximum.
 * @example
 * maxPool2d(x, 2).values // halves H and W
 */
export function maxPool2d(input: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): MaxPoolResult {
  if (observingOps) return observeOp('maxPool2d', maxPool2d, [input, kernelSize, options]);
  const geometry = poolGeometry('maxPool2d', input, kernelSize, options);
  const fast = getFastKernel(input.backend, 'maxPool2d');
  const fastBackward = getFastKernel(input.backend, 'maxPool2dBackward');
  const [n, c] = input.shape as [number, number];
  if (fast && fastBackward) {
    const x = input.contiguous();
    const values = emptyTensor([n, c, ...geometry.outputSize], x.dtype, x.backend);
    const indices = emptyTensor([n, c, ...geometry.outputSize], 'int32', x.backend);
    const view = (tensor: Tensor, op: string) => tensor.kernelView(op, x.backend);
    fast(view(x, 'maxPool2d'), view(values, 'maxPool2d'), view(indices, 'maxPool2d'), geometry.attributes);
    record('maxPool2d', values, [x], (g) => {
      const gradInput = emptyTensor(x.shape, x.dtype, x.backend);
      const op = 'maxPool2dBackward';
      fastBackward(view(g.contiguous(), op), view(indices, op), view(gradInput, op));
      return [gradInput];
    });
    return { values, indices };
  }
  const { padding, extra } = geometry;
  const padded = pad(input, [padding[1], padding[1] + extra[1]!, padding[0], padding[0] + extra[0]!], -Infinity);
  const windows = stack(kernelWindows(padded, geometry.kernel, geometry.stride, geometry.dilation, geometry.outputSize), 2);
  const { values, indices: windowIndex } = windows.max(2);
  return { values, indices: windowToPlaneIndex(windowIndex, geometry) };
}

// Maps a window position k (0..KH*KW-1) at output (oh, ow) to the input plane index PyTorch reports.
function windowToPlaneIndex(windowIndex: Tensor, geometry: ReturnType<typeof poolGeometry>): Tensor {
  const { kernel, stride, padding, dilation, outputSize, w } = geometry;
  const rowBase = new Int32Array(outputSize[0] * outputSize[1]);
  const columnBase = new Int32Array(outputSize[0] * outputSize[1]);
  for (let oh = 0; oh < outputSize[0]; oh++) {
    for (let ow = 0; ow < outputSize[1]; ow++) {
      rowBase[oh * outputSize[1] + ow] = oh * stride[0] - padding[0];
      columnBase[oh * outputSize[1] + ow] = ow * stride[1] - padding[1];
    }
  }
  const options = { backend: windowIndex.backend.name };
  // float32 holds every plane index exactly (below 2^24) and exists on every backend, unlike float64.
  const k = windowIndex.float();
  const kernelRow = k.div(kernel[1]).floor();
  const kernelColumn = k.sub(kernelRow.mul(kernel[1]));
  const row = kernelRow.mul(dilation[0]).add(fromArray(rowBase, outputSize, 'int32', options));
  const column = kernelColumn.mul(dilation[1]).add(fromArray(columnBase, outputSize, 'int32', options));
  return row.mul(w).add(column).int();
}

export interface AvgPool2dOptions extends Omit<Pool2dOptions, 'dilation'> {
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** Average pooling with torch.nn.functional.avg_pool2d's divisor rules (countIncludePad, ceil mode, override). */
export function avgPool2d(input: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  if (observingOps) return observeOp('avgPool2d', avgPool2d, [input, kernelSize, options]);
  const geometry = poolGeometry('avgPool2d', input, kernelSize, options);
  const { kernel, stride, padding, outputSize, extra, h, w } = geometry;
  const override = options.divisorOverride ?? null;
  if (override !== null && (!Number.isInteger(override) || override === 0)) {
    throw new InvalidArgumentError(`avgPool2d: divisorOverride must be a non-zero integer, got ${override}`);
  }
  const attributes: AvgPool2dAttributes = {
    kernelSize: kernel,
    stride,
    padding,
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride: override,
  };
  const fast = getFastKernel(input.backend, 'avgPool2d');
  const fastBackward = getFastKernel(input.backend, 'avgPool2dBackward');
  if (fast && fastBackward) {
    const x = input.contiguous();
    const [n, c] = x.shape as [number, number];
    const output = emptyTensor([n, c, ...outputSize], x.dtype, x.backend);
    fast(x.kernelView('avgPool2d', x.backend), output.kernelView('avgPool2d', x.backend), attributes);
    record('avgPool2d', output, [x], (g) => {
      const gradInput = emptyTensor(x.shape, x.dtype, x.backend);
      const op = 'avgPool2dBackward';
      fastBackward(g.contiguous().kernelView(op, x.backend), gradInput.kernelView(op, x.backend), attributes);
      return [gradInput];
    });
    return output;
  }
  const padded = pad(input, [padding[1], padding[1] + extra[1]!, padding[0], padding[0] + extra[0]!]);
  const sums = stack(kernelWindows(padded, kernel, stride, [1, 1], outputSize), 2).sum(2);
  const divisors = new Float64Array(outputSize[0] * outputSize[1]);
  for (let oh = 0; oh < outputSize[0]; oh++) {
    for (let ow = 0; ow < outputSize[1]; ow++) {
      const top = oh * stride[0] - padding[0],
        left = ow * stride[1] - padding[1];
      let bottom = Math.min(top + kernel[0], h + padding[0]),
        right = Math.min(left + kernel[1], w + padding[1]);
      let count = (bottom - top) * (right - left);
      if (!(options.countIncludePad ?? true)) {
        bottom = Math.min(bottom, h);
        right = Math.min(right, w);
        count = (bottom - Math.max(top, 0)) * (right - Math.max(left, 0));
      }
      divisors[oh * outputSize[1] + ow] = options.divisorOverride ?? count;
    }
  }
  return sums.div(fromArray(divisors, outputSize, input.dtype, { backend: input.backend.name }));
}

/** Adaptive average pooling to `outputSize`, with PyTorch's window bounds floor(i*H/OH) .. ceil((i+1)*H/OH). */
export function adaptiveAvgPool2d(input: Tensor, outputSize: Pair): Tensor {
  if (observingOps) return observeOp('adaptiveAvgPool2d', adaptiveAvgPool2d, [input, outputSize]);
  if (input.ndim !== 4) throw new ShapeError(`adaptiveAvgPool2d: expected a 4-D input, got ${formatShape(input.shape)}`);
  const [oh, ow] = toPair(outputSize);
  const [, , h, w] = input.shape as [number, number, number, number];
  const rows: Tensor[] = [];
  for (let i = 0; i < oh; i++) {
    const band = slice(input, 2, Math.floor((i * h) / oh), Math.ceil(((i + 1) * h) / oh));
    const cells: Tensor[] = [];
    for (let j = 0; j < ow; j++) cells.push(slice(band, 3, Math.floor((j * w) / ow), Math.ceil(((j + 1) * w) / ow)).mean([2, 3]));
    rows.push(stack(cells, 2));
  }
  return stack(rows, 2);
}
