import { type DType, isFloating, normalizeDim, promoteTypes, type Tensor } from '@lantern/tensor';
import { attribute, type OpMapping } from '../export/graph-builder.js';
import { onnxDataType } from '../tensor-proto.js';

// Arithmetic: both operands in the result's dtype (ONNX has no implicit promotion; Lantern promotes as PyTorch does).
function arithmetic(opType: string): OpMapping {
  return (context) => {
    const [self, other, alpha] = context.inputs as [Tensor, unknown, number | undefined];
    const dtype = context.output.dtype;
    let right = context.operand(other, dtype);
    // add(other, alpha) and sub(other, alpha) scale `other` first, as torch.add does.
    if (alpha !== undefined && alpha !== 1) right = context.node('Mul', [right, context.constant(dtype, [], [alpha])])[0]!;
    context.produce(opType, [context.value(self, dtype), right]);
  };
}

/** The dtype both operands of a comparison are promoted to (the result is bool, so it cannot say). */
function comparisonDType(self: Tensor, other: unknown): DType {
  if (typeof other === 'number') return Number.isInteger(other) || isFloating(self.dtype) ? self.dtype : 'float32';
  return promoteTypes(self.dtype, (other as Tensor).dtype);
}

function comparison(opType: string, negate = false): OpMapping {
  return (context) => {
    const [self, other] = context.inputs as [Tensor, unknown];
    const dtype = comparisonDType(self, other);
    const inputs = [context.value(self, dtype), context.operand(other, dtype)];
    if (!negate) return context.produce(opType, inputs);
    context.produce('Not', context.node(opType, inputs));
  };
}

/** Elementwise functions of one tensor; float-only ones take integer inputs as float32, as Lantern does. */
const unaryOps: Readonly<Record<string, string>> = {
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  exp: 'Exp',
  log: 'Log',
  sqrt: 'Sqrt',
  reciprocal: 'Reciprocal',
  neg: 'Neg',
  abs: 'Abs',
  sign: 'Sign',
  erf: 'Erf',
  sin: 'Sin',
  cos: 'Cos',
  floor: 'Floor',
  ceil: 'Ceil',
  logicalNot: 'Not',
};

function unary(opType: string): OpMapping {
  return (context) => {
    const [self] = context.inputs as [Tensor];
    const dtype = opType === 'Not' ? 'bool' : context.output.dtype;
    context.produce(opType, [context.value(self, dtype)]);
  };
}

function castTo(dtype: DType | null): OpMapping {
  return (context) => {
    const [self, requested] = context.inputs as [Tensor, DType | undefined];
    const target = dtype ?? requested ?? context.output.dtype;
    if (target === self.dtype) return context.alias(self);
    context.produce('Cast', [context.value(self)], [attribute.int('to', onnxDataType[target])]);
  };
}

function reduction(opType: 'ReduceSum' | 'ReduceMean', axesAsInputSince: number): OpMapping {
  return (context) => {
    const [self, dims, keepdim = false] = context.inputs as [Tensor, number | readonly number[] | undefined, boolean?];
    const all = self.shape.map((_, axis) => axis);
    const listed = dims === undefined ? all : typeof dims === 'number' ? [dims] : [...dims];
    const axes = listed.map((dim) => normalizeDim(context.op.name, dim, self.ndim));
    const inputs = [context.value(self, context.output.dtype)];
    const attributes = [attribute.int('keepdims', keepdim ? 1 : 0)];
    if (context.opset >= axesAsInputSince) inputs.push(context.int64s(axes));
    else attributes.push(attribute.ints('axes', axes));
    context.produce(opType, inputs, attributes);
  };
}

export const elementwiseMappings: Readonly<Record<string, OpMapping>> = {
  add: arithmetic('Add'),
  sub: arithmetic('Sub'),
  mul: arithmetic('Mul'),
  div: arithmetic('Div'),
  pow: arithmetic('Pow'),
  maximum: arithmetic('Max'),
  minimum: arithmetic('Min'),
  lt: comparison('Less'),
  le: comparison('LessOrEqual'),
  gt: comparison('Greater'),
  ge: comparison('GreaterOrEqual'),
  eq: comparison('Equal'),
  ne: comparison('Equal', true),
  logicalAnd: (context) => {
    const [self, other] = context.inputs as [Tensor, Tensor];
    context.produce('And', [context.value(self, 'bool'), context.operand(other, 'bool')]);
  },
  logicalOr: (context) => {
    const [self, other] = context.inputs as [Tensor, Tensor];
    context.produce('Or', [context.value(self, 'bool'), context.operand(other, 'bool')]);
  },
  where: (context) => {
    // where(condition, left, right) as a function; x.where(condition, other) is where(condition, x, other).
    const [first, second, third] = context.inputs as [Tensor, unknown, unknown];
    const [condition, left, right] = context.op.calledAs === 'method' ? [second as Tensor, first, third] : [first, second, third];
    const dtype = context.output.dtype;
    context.produce('Where', [context.value(condition, 'bool'), context.operand(left, dtype), context.operand(right, dtype)]);
  },
  ...Object.fromEntries(Object.entries(unaryOps).map(([name, opType]) => [name, unary(opType)])),
  rsqrt: (context) => {
    const [self] = context.inputs as [Tensor];
    context.produce('Reciprocal', context.node('Sqrt', [context.value(self, context.output.dtype)]));
  },
  square: (context) => {
    const [self] = context.inputs as [Tensor];
    const value = context.value(self);
    context.produce('Mul', [value, value]);
  },
  cast: castTo(null),
  float: castTo('float32'),
  double: castTo('float64'),
  int: castTo('int32'),
  bool: castTo('bool'),
  sum: reduction('ReduceSum', 13),
  mean: reduction('ReduceMean', 18),
};
