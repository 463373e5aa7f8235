import type { DType } from '../dtype.js';
import { Tensor } from '../tensor.js';

/** A tensor or a scalar, as PyTorch's binary ops accept: `x.add(1)`, `x.mul(y)`. */
export type Operand = Tensor | number | boolean;

/** A scalar operand becomes a 0-d tensor of the op's dtype on `like`'s backend; a tensor is cast when it differs. */
export function operandToTensor(value: Operand, dtype: DType, like: Tensor): Tensor {
  if (value instanceof Tensor) return value.dtype === dtype ? value : value.cast(dtype);
  return Tensor.scalar(Number(value), dtype, like.backend);
}

/** Sums a broadcast gradient back down to the shape of the operand it flows to. */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  if (grad.shape.length === shape.length && grad.shape.every((extent, axis) => extent === shape[axis])) return grad;
  const lead = grad.shape.length - shape.length;
  const axes: number[] = [];
  grad.shape.forEach((extent, axis) => {
    if (axis < lead || (shape[axis - lead] === 1 && extent !== 1)) axes.push(axis);
  });
  const summed = axes.length > 0 ? grad.sum(axes, true) : grad;
  return summed.reshape(shape);
}
