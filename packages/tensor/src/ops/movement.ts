import { record } from '../autograd/node.js';
import { DimError, formatShape, ShapeError } from '../errors.js';
import { contiguousStrides, inferShape, isContiguous, normalizeDim, normalizeDims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './broadcast.js';
import { emptyTensor } from './dispatch.js';

/** A view: same storage, new layout. The gradient of a view is `backward` applied to the view's gradient. */
function makeView(
  input: Tensor,
  name: string,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  backward: (g: Tensor) => Tensor,
): Tensor {
  return record(name, input.asView(shape, strides, offset, name), [input], (g) => [backward(g)]);
}

/** Strides for `shape` over the same elements as `input`, or null when the layout cannot express it without a copy. */
function viewStrides(input: Tensor, shape: readonly number[]): number[] | null {
  if (isContiguous(input.shape, input.strides)) return contiguousStrides(shape);
  // Split/merge dims chunk by chunk, as torch's computeStride does.
  const oldShape = input.shape,
    oldStrides = input.strides;
  const strides = new Array<number>(shape.length);
  let viewDim = shape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorElements = 1,
    viewElements = 1;
  for (let dim = oldShape.length - 1; dim >= 0; dim--) {
    tensorElements *= oldShape[dim]!;
    if (dim === 0 || (oldShape[dim - 1] !== 1 && oldStrides[dim - 1] !== tensorElements * chunkBase)) {
      while (viewDim >= 0 && (viewElements < tensorElements || shape[viewDim] === 1)) {
        strides[viewDim] = viewElements * chunkBase;
        viewElements *= shape[viewDim]!;
        viewDim--;
      }
      if (viewElements !== tensorElements) return null;
      if (dim > 0) {
        chunkBase = oldStrides[dim - 1]!;
        tensorElements = 1;
        viewElements = 1;
      }
    }
  }
  if (viewDim !== -1) return null;
  return strides;
}

/** Like torch.reshape: a view when the layout allows, otherwise a copy. One extent may be -1. */
export function reshape(input: Tensor, target: readonly number[]): Tensor {
  const shape = inferShape('reshape', input.shape, target);
  const strides = viewStrides(input, shape);
  const source = strides ? input : contiguous(input);
  return makeView(source, 'reshape', shape, strides ?? contiguousStrides(shape), source.offset, (g) => g.reshape(input.shape));
}

/**
 * Like torch.view: the same storage with another shape, never a copy. One extent may be -1. When the layout cannot
 * express the shape without copying, throws a ShapeError in PyTorch's words, naming both shapes.
 */
export function view(input: Tensor, target: readonly number[]): Tensor {
  const shape = inferShape('view', input.shape, target);
  const strides = viewStrides(input, shape);
  if (!strides) {
    throw new ShapeError(
      `view: view size ${formatShape(shape)} is not compatible with input tensor's size and stride (shape ` +
        `${formatShape(input.shape)}, strides ${formatShape(input.strides)}): at least one dimension spans across ` +
        'two contiguous subspaces. Use .reshape(...) instead.',
    );
  }
  return makeView(input, 'view', shape, strides, input.offset, (g) => g.reshape(input.shape));
}

export function contiguous(input: Tensor): Tensor {
  if (isContiguous(input.shape, input.strides)) {
    input.assertNotDisposed('contiguous');
    return input;
  }
  const backend = input.backend;
  const output = emptyTensor(input.shape, input.dtype, backend);
  backend.copy(input.kernelView('contiguous', backend), output.kernelView('contiguous', backend));
  return record('contiguous', output, [input], (g) => [g]);
}

/** A contiguous copy with its own storage, differentiable (torch.clone). */
export function clone(input: Tensor): Tensor {
  const backend = input.backend;
  const output = emptyTensor(input.shape, input.dtype, backend);
  backend.copy(input.kernelView('clone', backend), output.kernelView('clone', backend));
  return record('clone', output, [input], (g) => [g]);
}

export function permute(input: Tensor, dims: readonly number[]): Tensor {
  const order = dims.map((dim) => normalizeDim('permute', dim, input.ndim));
  if (order.length !== input.ndim || new Set(order).size !== order.length) {
    throw new DimError(`permute: dims [${dims.join(', ')}] are not a permutation of ${input.ndim} dims`);
  }
  const inverse = new Array<number>(order.length);
  for (const [position, dim] of order.entries()) inverse[dim] = position;
  return makeView(
    input,
    'permute',
    order.map((dim) => input.shape[dim]!),
    order.map((dim) => input.strides[dim]!),
    input.offset,
    (g) => g.permute(inverse),
  );
}

export function transpose(input: Tensor, dim0: number, dim1: number): Tensor {
  const order = Array.from({ length: input.ndim }, (_, axis) => axis);
  const a = normalizeDim('transpose', dim0, input.ndim),
    b = normalizeDim('transpose', dim1, input.ndim);
  [order[a], order[b]] = [order[b]!, order[a]!];
  if (input.ndim > 0) return permute(input, order);
  input.assertNotDisposed('transpose');
  return input;
}

/** Broadcasts size-1 dims (and new leading dims) to `target` without copying; -1 keeps an extent. */
export function expand(input: Tensor, target: readonly number[]): Tensor {
  const lead = target.length - input.ndim;
  if (lead < 0)
    throw new ShapeError(`expand: target ${formatShape(target)} has fewer dims than input ${formatShape(input.shape)}`);
  const shape = target.map((extent, axis) => (extent === -1 && axis >= lead ? input.shape[axis - lead]! : extent));
  if (shape.every((extent, axis) => axis >= lead && extent === input.shape[axis - lead])) {
    input.assertNotDisposed('expand');
    return input;
  }
  const strides = shape.map((extent, axis) => {
    if (axis < lead) return 0;
    const own = input.shape[axis - lead]!;
    if (own === extent) return input.strides[axis - lead]!;
    if (own !== 1) throw new ShapeError(`expand: cannot expand shape ${formatShape(input.shape)} to ${formatShape(target)}`);
    return 0;
  });
  return makeView(input, 'expand', shape, strides, input.offset, (g) => sumToShape(g, input.shape));
}

/** torch's `x[..., start:end:step, ...]` along one dim; negative bounds count from the end. */
export function slice(input: Tensor, dim: number, start = 0, end = Number.MAX_SAFE_INTEGER, step = 1): Tensor {
  const axis = normalizeDim('slice', dim, input.ndim);
  if (!Number.isInteger(step) || step <= 0) throw new DimError(`slice: step must be a positive integer, got ${step}`);
  const extent = input.shape[axis]!;
  const clampIndex = (index: number) => Math.min(Math.max(index < 0 ? index + extent : index, 0), extent);
  const from = clampIndex(start),
    to = Math.max(clampIndex(end), from);
  const shape = [...input.shape];
  shape[axis] = Math.ceil((to - from) / step);
  const strides = [...input.strides];
  strides[axis] = input.strides[axis]! * step;
  const offset = input.offset + from * input.strides[axis]!;
  return makeView(input, 'slice', shape, strides, offset, (g) =>
    scatterIntoZeros(g, input.shape, (zeros) => slice(zeros, axis, from, to, step)),
  );
}

export function narrow(input: Tensor, dim: number, start: number, length: number): Tensor {
  const axis = normalizeDim('narrow', dim, input.ndim);
  const from = start < 0 ? start + input.shape[axis]! : start;
  if (from < 0 || length < 0 || from + length > input.shape[axis]!) {
    throw new DimError(`narrow: start ${start} and length ${length} exceed dim ${dim} of shape ${formatShape(input.shape)}`);
  }
  return slice(input, axis, from, from + length);
}

/** `x[index]` along `dim`, removing that dim (torch.select). */
export function select(input: Tensor, dim: number, index: number): Tensor {
  const axis = normalizeDim('select', dim, input.ndim);
  const extent = input.shape[axis]!;
  if (!Number.isInteger(index) || index < -extent || index >= extent) {
    throw new DimError(`select: index ${index} is out of bounds for dim ${axis} with size ${extent}`);
  }
  const position = index < 0 ? index + extent : index;
  const shape = input.shape.filter((_, i) => i !== axis);
  const strides = input.strides.filter((_, i) => i !== axis);
  return makeView(input, 'select', shape, strides, input.offset + position * input.strides[axis]!, (g) =>
    scatterIntoZeros(g, input.shape, (zeros) => select(zeros, axis, position)),
  );
}

/** Zeros of `shape` with `values` copied into the window `pick` chooses: the gradient of a slice or select. */
export function scatterIntoZeros(values: Tensor, shape: readonly number[], pick: (zeros: Tensor) => Tensor): Tensor {
  const backend = values.backend;
  const zeros = emptyTensor(shape, values.dtype, backend);
  backend.copy(values.kernelView('scatter', backend), pick(zeros).kernelView('scatter', backend));
  return zeros;
}

export function flip(input: Tensor, dims: number | readonly number[]): Tensor {
  const axes = normalizeDims('flip', dims, input.ndim);
  let offset = input.offset;
  const strides = input.strides.map((stride, axis) => {
    if (!axes.includes(axis)) return stride;
    offset += (input.shape[axis]! - 1) * stride;
    return -stride;
  });
  if (input.size === 0) offset = input.offset;
  return makeView(input, 'flip', input.shape, strides, offset, (g) => g.flip(axes));
}

export function squeeze(input: Tensor, dims?: number | readonly number[]): Tensor {
  const axes =
    dims === undefined
      ? input.shape.flatMap((extent, axis) => (extent === 1 ? [axis] : []))
      : normalizeDims('squeeze', dims, input.ndim).filter((axis) => input.shape[axis] === 1);
  return reshape(
    input,
    input.shape.filter((_, axis) => !axes.includes(axis)),
  );
}

export function unsqueeze(input: Tensor, dim: number): Tensor {
  const axis = normalizeDim('unsqueeze', dim, input.ndim + 1);
  const shape = [...input.shape];
  shape.splice(axis, 0, 1);
  return reshape(input, shape);
}

export function flatten(input: Tensor, startDim = 0, endDim = -1): Tensor {
  if (input.ndim === 0) return reshape(input, [1]);
  const start = normalizeDim('flatten', startDim, input.ndim),
    end = normalizeDim('flatten', endDim, input.ndim);
  if (start > end) throw new DimError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const merged = input.shape.slice(start, end + 1).reduce((product, extent) => product * extent, 1);
  return reshape(input, [...input.shape.slice(0, start), merged, ...input.shape.slice(end + 1)]);
}
