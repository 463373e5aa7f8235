import { record } from '../autograd/node.js';
import { isFloating } from '../dtype.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import type { ReduceOp } from '../kernel-names.js';
import { normalizeDim, normalizeDims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { arange } from './creation.js';
import { emptyTensor } from './dispatch.js';

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((extent, axis) => (axes.includes(axis) ? 1 : extent));
}

function dropAxes(tensor: Tensor, axes: readonly number[], keepdim: boolean): Tensor {
  return keepdim ? tensor : tensor.reshape(tensor.shape.filter((_, axis) => !axes.includes(axis)));
}

/** Records a reduction on its final (possibly dim-dropped) output; backward receives the gradient in keepdim shape. */
function recordReduction(
  name: string,
  kept: Tensor,
  input: Tensor,
  axes: readonly number[],
  keepdim: boolean,
  backward: (gradKept: Tensor) => Tensor,
): Tensor {
  const output = keepdim
    ? kept
    : kept.asView(
        kept.shape.filter((_, axis) => !axes.includes(axis)),
        kept.strides.filter((_, axis) => !axes.includes(axis)),
        kept.offset,
      );
  return record(name, output, [input], (g) => [backward(g.reshape(kept.shape))]);
}

function runReduce(op: ReduceOp, input: Tensor, axes: readonly number[]): Tensor {
  const outputDType =
    op === 'argmax' || op === 'argmin' ? 'int32' : op === 'sum' && input.dtype === 'bool' ? 'int32' : input.dtype;
  const backend = input.backend;
  const output = emptyTensor(keptShape(input.shape, axes), outputDType, backend);
  backend.reduce(op, input.kernelView(op, backend), axes, output.kernelView(op, backend));
  return output;
}

/**
 * Sum over `dims` (all when omitted); `keepdim` keeps them as size 1.
 * @example
 * tensor([[1, 2], [3, 4]]).sum(1) // tensor([3, 7])
 */
export function sum(input: Tensor, dims?: number | readonly number[], keepdim = false): Tensor {
  const axes = normalizeDims('sum', dims, input.ndim);
  const summed = runReduce('sum', input, axes);
  return recordReduction('sum', summed, input, axes, keepdim, (g) => g.expand(input.shape));
}

export function mean(input: Tensor, dims?: number | readonly number[], keepdim = false): Tensor {
  if (!isFloating(input.dtype)) {
    throw new DTypeError(`mean: expected a floating point input, got ${input.dtype}; cast it first with .float()`);
  }
  const axes = normalizeDims('mean', dims, input.ndim);
  const count = axes.reduce((product, axis) => product * input.shape[axis]!, 1);
  return sum(input, axes, keepdim).div(count);
}

/** Variance with Bessel's correction by default (`correction = 1`), as torch.var. */
export function variance(input: Tensor, dims?: number | readonly number[], keepdim = false, correction = 1): Tensor {
  const axes = normalizeDims('var', dims, input.ndim);
  const count = axes.reduce((product, axis) => product * input.shape[axis]!, 1);
  const centered = input.sub(mean(input, axes, true));
  return sum(centered.mul(centered), axes, keepdim).div(Math.max(count - correction, 0));
}

export function std(input: Tensor, dims?: number | readonly number[], keepdim = false, correction = 1): Tensor {
  return variance(input, dims, keepdim, correction).sqrt();
}

/** amax/amin: the gradient is shared evenly between tied extremes, as in PyTorch. */
function extreme(op: 'max' | 'min', input: Tensor, dims: number | readonly number[] | undefined, keepdim: boolean): Tensor {
  const name = op === 'max' ? 'amax' : 'amin';
  if (input.size === 0) throw new ShapeError(`${name}: cannot reduce an empty tensor of shape ${formatShape(input.shape)}`);
  const axes = normalizeDims(name, dims, input.ndim);
  const reduced = runReduce(op, input, axes);
  return recordReduction(name, reduced, input, axes, keepdim, (g) => {
    const ties = input.eq(reduced);
    return g.mul(ties).div(sum(ties, axes, true));
  });
}

export const amax = (input: Tensor, dims?: number | readonly number[], keepdim = false) => extreme('max', input, dims, keepdim);
export const amin = (input: Tensor, dims?: number | readonly number[], keepdim = false) => extreme('min', input, dims, keepdim);

export function argExtreme(op: 'argmax' | 'argmin', input: Tensor, dim?: number, keepdim = false): Tensor {
  if (input.size === 0) throw new ShapeError(`${op}: cannot reduce an empty tensor of shape ${formatShape(input.shape)}`);
  if (dim === undefined) return runReduce(op, input.reshape([-1]), [0]).reshape([]);
  const axis = normalizeDim(op, dim, input.ndim);
  return dropAxes(runReduce(op, input, [axis]), [axis], keepdim);
}

export interface ValuesAndIndices {
  readonly values: Tensor;
  readonly indices: Tensor;
}

/** torch.max(input, dim): values and first indices; the gradient goes to the index, as in PyTorch. */
export function extremeAlongDim(op: 'max' | 'min', input: Tensor, dim: number, keepdim = false): ValuesAndIndices {
  const axis = normalizeDim(op, dim, input.ndim);
  const indices = argExtreme(op === 'max' ? 'argmax' : 'argmin', input, axis, true);
  const reduced = runReduce(op, input, [axis]);
  const values = recordReduction(op, reduced, input, [axis], keepdim, (g) => g.mul(oneHotAlong(indices, input.shape, axis)));
  return { values, indices: dropAxes(indices, [axis], keepdim) };
}

/** A bool mask of `shape` that is true where the position along `axis` equals the (keepdim) index. */
export function oneHotAlong(indices: Tensor, shape: readonly number[], axis: number): Tensor {
  const positions = arange(shape[axis]!, { dtype: 'int32', backend: indices.backend.name });
  const positionShape = shape.map((extent, i) => (i === axis ? extent : 1));
  return positions.reshape(positionShape).eq(indices);
}
