import { record } from '../autograd/node.js';
import { type DType, promoteTypes, promoteWithScalar } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { observeOp, observingOps } from '../trace.js';
import { type Operand, operandToTensor, sumToShape } from './broadcast.js';
import { commonBackend, emptyTensor } from './dispatch.js';

/**
 * Elementwise selection: `condition ? a : b`, broadcasting all three.
 * @example
 * where(x.gt(0), x, x.mul(0.01)) // leaky relu
 */
export function where(condition: Tensor, left: Operand, right: Operand): Tensor {
  if (observingOps) return observeOp('where', where, [condition, left, right]);
  const like = (left instanceof Tensor ? left : right instanceof Tensor ? right : condition) as Tensor;
  let dtype: DType;
  if (left instanceof Tensor && right instanceof Tensor) dtype = promoteTypes(left.dtype, right.dtype);
  else if (left instanceof Tensor) dtype = promoteWithScalar(left.dtype, right as number);
  else if (right instanceof Tensor) dtype = promoteWithScalar(right.dtype, left as number);
  else dtype = Number.isInteger(left) && Number.isInteger(right) ? 'int32' : 'float32';
  const a = operandToTensor(left, dtype, like);
  const b = operandToTensor(right, dtype, like);
  const mask = condition.dtype === 'bool' ? condition : condition.ne(0);
  const backend = commonBackend('where', [mask, a, b]);
  const shape = broadcastShapes('where', broadcastShapes('where', mask.shape, a.shape), b.shape);
  const output = emptyTensor(shape, dtype, backend);
  const view = (operand: Tensor) => operand.expand(shape).kernelView('where', backend);
  backend.where(view(mask), view(a), view(b), output.kernelView('where', backend));
  return record('where', output, [a, b], (g) => {
    const zero = g.zerosLike();
    return [
      a.requiresGrad ? sumToShape(where(mask, g, zero), a.shape) : null,
      b.requiresGrad ? sumToShape(where(mask, zero, g), b.shape) : null,
    ];
  });
}
