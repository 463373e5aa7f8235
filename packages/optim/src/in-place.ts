import { DTypeError, formatShape, isContiguous, isFloating, ShapeError, type Tensor, type TensorView } from '@lantern/tensor';
import { OptimizerError } from './errors.js';

/**
 * Hands a fused kernel contiguous views of `tensors` and leaves its results in the tensors themselves. The fast
 * kernels walk storage linearly from a view's offset, so a strided tensor (a transposed parameter, say) is updated
 * through a contiguous copy that is then copied back; contiguous ones (the usual case) are written directly.
 */
export function updateContiguous(tensors: readonly (Tensor | null)[], update: (views: (TensorView | null)[]) => void): void {
  const working = tensors.map((tensor) =>
    tensor === null || isContiguous(tensor.shape, tensor.strides) ? tensor : tensor.contiguous(),
  );
  update(working.map((tensor) => tensor?.view() ?? null));
  tensors.forEach((tensor, index) => {
    if (tensor !== null && working[index] !== tensor) tensor.copy_(working[index]!);
  });
}

/** The gradient as a fused kernel reads it: contiguous and in the parameter's dtype. */
export function gradForKernel(grad: Tensor, param: Tensor): Tensor {
  return grad.cast(param.dtype).contiguous();
}

/** Parameters are floating point, every list has one entry per parameter, and every tensor has its parameter's shape. */
export function checkLists(
  op: string,
  params: readonly Tensor[],
  lists: Record<string, readonly (Tensor | number | null)[]>,
): void {
  params.forEach((param, index) => {
    // The update writes fractional values back into the parameter: an integer one would silently truncate them.
    if (!isFloating(param.dtype))
      throw new DTypeError(`${op}: params[${index}] has dtype ${param.dtype}; only floating point parameters can be optimized`);
  });
  for (const [name, list] of Object.entries(lists)) {
    if (list.length !== params.length) {
      throw new OptimizerError(`${op}: expected one entry of ${name} per parameter (${params.length}), got ${list.length}`);
    }
    list.forEach((entry, index) => {
      if (entry === null || typeof entry === 'number') return;
      const param = params[index]!;
      if (entry.shape.length !== param.shape.length || entry.shape.some((extent, axis) => extent !== param.shape[axis])) {
        throw new ShapeError(
          `${op}: ${name}[${index}] has shape ${formatShape(entry.shape)}, but its parameter has shape ${formatShape(param.shape)}`,
        );
      }
    });
  }
}
