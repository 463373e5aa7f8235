import { record } from '../autograd/node.js';
import { promoteTypes } from '../dtype.js';
import { formatShape, ShapeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { observeOp, observingOps } from '../trace.js';
import { commonBackend, emptyTensor } from './dispatch.js';

/** True for a [B, R, C] view laid out column-major in its last two dims, as `weight.t()` is. */
function isTransposedLayout(t: Tensor): boolean {
  return t.strides[1] === 1 && t.strides[2] === t.shape[1] && t.shape[1]! > 1 && t.shape[2]! > 1;
}

/**
 * An operand's gradient in the operand's own layout, as PyTorch's mm backward does: for `x @ weight.t()` the weight
 * gradient is computed as gᵀ·x directly into weight's [out, in] layout instead of as a transposed result that would
 * need a strided copy into `.grad`.
 */
function gradientLike(operand: Tensor, product: () => Tensor, transposedProduct: () => Tensor): Tensor {
  return isTransposedLayout(operand) ? transposedProduct().transpose(1, 2) : product();
}

/** The matmul primitive on rank-3 operands: a [B, M, K] times b [B, K, N]. */
function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  const backend = commonBackend('matmul', [a, b]);
  const output = emptyTensor([a.shape[0]!, a.shape[1]!, b.shape[2]!], a.dtype, backend);
  backend.matmul(a.kernelView('matmul', backend), b.kernelView('matmul', backend), output.kernelView('matmul', backend));
  return record('matmul', output, [a, b], (g) => [
    a.requiresGrad
      ? gradientLike(
          a,
          () => batchedMatmul(g, b.transpose(1, 2)),
          () => batchedMatmul(b, g.transpose(1, 2)),
        )
      : null,
    b.requiresGrad
      ? gradientLike(
          b,
          () => batchedMatmul(a.transpose(1, 2), g),
          () => batchedMatmul(g.transpose(1, 2), a),
        )
      : null,
  ]);
}

/**
 * Matrix product with torch.matmul's rules: 1-D operands are promoted and the added dim removed afterwards; leading
 * (batch) dims broadcast.
 * @example
 * tensor([[1, 2], [3, 4]]).float().matmul(tensor([1, 1]).float()) // tensor([3., 7.])
 */
export function matmul(left: Tensor, right: Tensor): Tensor {
  if (observingOps) return observeOp('matmul', matmul, [left, right]);
  if (left.ndim === 0 || right.ndim === 0) {
    throw new ShapeError(
      `matmul: both arguments need at least 1 dimension, got ${formatShape(left.shape)} and ${formatShape(right.shape)}`,
    );
  }
  const dtype = promoteTypes(left.dtype, right.dtype);
  const a = left.ndim === 1 ? left.cast(dtype).unsqueeze(0) : left.cast(dtype);
  const b = right.ndim === 1 ? right.cast(dtype).unsqueeze(1) : right.cast(dtype);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2) {
    throw new ShapeError(
      `matmul: shapes ${formatShape(left.shape)} and ${formatShape(right.shape)} cannot be multiplied (${m}x${k} and ${k2}x${n})`,
    );
  }
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batchSize = batch.reduce((product, extent) => product * extent, 1);
  const a3 = a.expand([...batch, m, k]).reshape([batchSize, m, k]);
  const b3 = b.expand([...batch, k, n]).reshape([batchSize, k, n]);
  let output = batchedMatmul(a3, b3).reshape([...batch, m, n]);
  if (left.ndim === 1) output = output.squeeze(-2);
  if (right.ndim === 1) output = output.squeeze(-1);
  return output;
}

/** torch.nn.functional.linear: input @ weight.T + bias, weight [out, in]. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (observingOps) return observeOp('linear', linear, [input, weight, bias]);
  commonBackend('linear', bias ? [input, weight, bias] : [input, weight]);
  if (input.shape[input.ndim - 1] !== weight.shape[1]) {
    throw new ShapeError(
      `linear: input ${formatShape(input.shape)} does not match weight ${formatShape(weight.shape)} (expected last dim ${weight.shape[1]})`,
    );
  }
  const output = matmul(input, weight.t());
  return bias ? output.add(bias) : output;
}
