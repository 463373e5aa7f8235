import { record } from '../autograd/node.js';
import { promoteTypes } from '../dtype.js';
import { formatShape, ShapeError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { observeOp, observingOps } from '../trace.js';
import { commonBackend, emptyTensor } from './dispatch.js';
import { slice } from './movement.js';

/**
 * Joins tensors along an existing dim, as torch.cat.
 * @example
 * cat([zeros([2, 3]), ones([1, 3])], 0).shape // [3, 3]
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (observingOps) return observeOp('cat', cat, [tensors, dim]);
  if (tensors.length === 0) throw new ShapeError('cat: expected a non-empty list of tensors');
  const first = tensors[0]!;
  const axis = normalizeDim('cat', dim, first.ndim);
  for (const tensor of tensors) {
    const fits = tensor.ndim === first.ndim && tensor.shape.every((extent, i) => i === axis || extent === first.shape[i]);
    if (!fits) {
      throw new ShapeError(`cat: shapes ${formatShape(first.shape)} and ${formatShape(tensor.shape)} differ outside dim ${axis}`);
    }
  }
  const backend = commonBackend('cat', tensors);
  const dtype = tensors.reduce((type, tensor) => promoteTypes(type, tensor.dtype), first.dtype);
  const shape = [...first.shape];
  shape[axis] = tensors.reduce((total, tensor) => total + tensor.shape[axis]!, 0);
  const output = emptyTensor(shape, dtype, backend);
  const starts: number[] = [];
  let start = 0;
  for (const tensor of tensors) {
    starts.push(start);
    // The window is released at once: a view left to the garbage collector would hold the output's storage after
    // its owner disposes it.
    const window = slice(output, axis, start, start + tensor.shape[axis]!);
    backend.copy(tensor.kernelView('cat', backend), window.kernelView('cat', backend));
    window.dispose();
    start += tensor.shape[axis]!;
  }
  return record('cat', output, tensors, (g) =>
    tensors.map((tensor, i) => (tensor.requiresGrad ? slice(g, axis, starts[i], starts[i]! + tensor.shape[axis]!) : null)),
  );
}

/** Joins same-shaped tensors along a new dim, as torch.stack. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (observingOps) return observeOp('stack', stack, [tensors, dim]);
  if (tensors.length === 0) throw new ShapeError('stack: expected a non-empty list of tensors');
  const axis = normalizeDim('stack', dim, tensors[0]!.ndim + 1);
  commonBackend('stack', tensors);
  for (const tensor of tensors) {
    if (tensor.shape.join() !== tensors[0]!.shape.join()) {
      throw new ShapeError(
        `stack: expects each tensor to be equal size, got ${formatShape(tensors[0]!.shape)} and ${formatShape(tensor.shape)}`,
      );
    }
  }
  const views = tensors.map((tensor) => tensor.unsqueeze(axis));
  const output = cat(views, axis);
  // Views the graph does not hold are released now, so the inputs' storage goes when its owners dispose it.
  for (const view of views) if (!view.requiresGrad) view.dispose();
  return output;
}

/**
 * Constant padding, torch.nn.functional.pad's order: pairs (before, after) starting from the last dim.
 * @example
 * pad(x, [1, 1, 2, 2]) // pads W by 1 each side and H by 2
 */
export function pad(input: Tensor, padding: readonly number[], value = 0): Tensor {
  if (observingOps) return observeOp('pad', pad, [input, padding, value]);
  if (padding.length % 2 !== 0 || padding.length / 2 > input.ndim) {
    throw new ShapeError(`pad: padding of length ${padding.length} does not fit input ${formatShape(input.shape)}`);
  }
  const shape = [...input.shape];
  const windows: Array<[number, number, number]> = [];
  for (let pair = 0; pair < padding.length / 2; pair++) {
    const axis = input.ndim - 1 - pair;
    const before = padding[2 * pair]!,
      after = padding[2 * pair + 1]!;
    if (before < 0 || after < 0) throw new ShapeError('pad: negative padding is not supported');
    shape[axis] = input.shape[axis]! + before + after;
    windows.push([axis, before, before + input.shape[axis]!]);
  }
  const backend = input.backend;
  const output = emptyTensor(shape, input.dtype, backend);
  if (value !== 0) backend.fill(output.kernelView('pad', backend), value);
  const interior = (tensor: Tensor) => windows.reduce((view, [axis, from, to]) => slice(view, axis, from, to), tensor);
  const window = interior(output);
  backend.copy(input.kernelView('pad', backend), window.kernelView('pad', backend));
  window.dispose();
  return record('pad', output, [input], (g) => [interior(g)]);
}

/** Splits along `dim` into pieces of `size` (the last may be smaller), as torch.split with an int. */
export function split(input: Tensor, size: number, dim = 0): Tensor[] {
  if (observingOps) return observeOp('split', split, [input, size, dim]);
  const axis = normalizeDim('split', dim, input.ndim);
  const pieces: Tensor[] = [];
  for (let start = 0; start < input.shape[axis]!; start += size) pieces.push(slice(input, axis, start, start + size));
  return pieces;
}

export function chunk(input: Tensor, chunks: number, dim = 0): Tensor[] {
  if (observingOps) return observeOp('chunk', chunk, [input, chunks, dim]);
  const axis = normalizeDim('chunk', dim, input.ndim);
  return split(input, Math.ceil(input.shape[axis]! / chunks), axis);
}
