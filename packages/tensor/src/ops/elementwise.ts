import { binaryDerivatives, unaryDerivatives, zeroGradientUnaryOps } from '../autograd/derivatives.js';
import { record } from '../autograd/node.js';
import { assertDType, type DType, isFloating, promoteTypes, promoteWithScalar } from '../dtype.js';
import { type BinaryOp, boolResultOps, type UnaryOp } from '../kernel-names.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { observeOp, observingOps } from '../trace.js';
import { type Operand, operandToTensor, sumToShape } from './broadcast.js';
import { commonBackend, emptyTensor } from './dispatch.js';

/** Unary ops that only make sense on floating values: integer inputs are promoted to float32, as in PyTorch. */
const floatingUnaryOps: ReadonlySet<UnaryOp> = new Set([
  'exp',
  'log',
  'sqrt',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'erf',
]);

export function unary(op: UnaryOp, input: Tensor): Tensor {
  let x = input;
  if (floatingUnaryOps.has(op) && !isFloating(x.dtype)) x = x.cast('float32');
  const outputDType: DType = op === 'logicalNot' ? 'bool' : x.dtype;
  const backend = x.backend;
  const output = emptyTensor(x.shape, outputDType, backend);
  backend.unary(op, x.kernelView(op, backend), output.kernelView(op, backend));
  const derivative = unaryDerivatives[op];
  if (derivative) return record(op, output, [x], (g) => [derivative(g, x, output)]);
  if (zeroGradientUnaryOps.has(op)) return record(op, output, [x], (g) => [g.zerosLike()]);
  return output;
}

function resultDType(op: BinaryOp, a: Operand, b: Operand): DType {
  let dtype: DType;
  if (a instanceof Tensor && b instanceof Tensor) dtype = promoteTypes(a.dtype, b.dtype);
  else if (a instanceof Tensor) dtype = promoteWithScalar(a.dtype, b as number);
  else dtype = promoteWithScalar((b as Tensor).dtype, a as number);
  // True division, as PyTorch's `/`: integers divide into float32.
  if (op === 'div' && !isFloating(dtype)) dtype = 'float32';
  return dtype;
}

/** The comparisons' kernel names are PyTorch's long ones; errors name the methods users call (`x.lt(y)`). */
const methodNames: Partial<Record<BinaryOp, string>> = {
  less: 'lt',
  lessEqual: 'le',
  greater: 'gt',
  greaterEqual: 'ge',
  equal: 'eq',
  notEqual: 'ne',
};

export function binary(op: BinaryOp, left: Operand, right: Operand): Tensor {
  const like = (left instanceof Tensor ? left : right) as Tensor;
  const dtype = resultDType(op, left, right);
  const a = operandToTensor(left, dtype, like);
  const b = operandToTensor(right, dtype, like);
  const name = methodNames[op] ?? op;
  const backend = commonBackend(name, [a, b]);
  const shape = broadcastShapes(name, a.shape, b.shape);
  const output = emptyTensor(shape, boolResultOps.has(op) ? 'bool' : dtype, backend);
  const view = (tensor: Tensor) => tensor.kernelView(name, backend);
  backend.binary(op, view(a.expand(shape)), view(b.expand(shape)), view(output));
  const derivative = binaryDerivatives[op];
  if (!derivative) return output;
  return record(op, output, [a, b], (g) => {
    const [gradA, gradB] = derivative(g, a, b, output);
    return [a.requiresGrad ? sumToShape(gradA, a.shape) : null, b.requiresGrad ? sumToShape(gradB, b.shape) : null];
  });
}

/** Converts to another dtype; differentiable between floating types. An unknown dtype is a DTypeError naming it. */
export function cast(input: Tensor, dtype: DType): Tensor {
  if (observingOps) return observeOp('cast', cast, [input, dtype]);
  if (input.dtype === dtype) {
    input.assertNotDisposed('cast');
    return input;
  }
  assertDType('cast', dtype);
  const backend = input.backend;
  const output = emptyTensor(input.shape, dtype, backend);
  backend.copy(input.kernelView('cast', backend), output.kernelView('cast', backend));
  if (!isFloating(dtype) || !isFloating(input.dtype)) return output;
  return record('cast', output, [input], (g) => [g.cast(input.dtype)]);
}
