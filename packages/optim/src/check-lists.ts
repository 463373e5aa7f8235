import { DTypeError, formatShape, isFloating, ShapeError, type Tensor } from '@lantern/tensor';
import { OptimizerError } from './errors.js';

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
