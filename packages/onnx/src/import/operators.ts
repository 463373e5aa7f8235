import { batchNorm } from '@lantern/nn';
import { avgPool2d, cat, conv2d, type DType, maxPool2d, pad, type Tensor, where } from '@lantern/tensor';
import { TensorProto_DataType } from '../proto/generated/onnx_pb.gen.js';
import type { NodeReader } from './node-reader.js';

/** Runs one ONNX node with Lantern ops. */
export type Operator = (node: NodeReader) => Tensor;

const unary =
  (apply: (x: Tensor) => Tensor): Operator =>
  (node) =>
    apply(node.tensor(0));
const binary =
  (apply: (a: Tensor, b: Tensor) => Tensor): Operator =>
  (node) =>
    apply(node.tensor(0), node.tensor(1));

const lanternDType: Partial<Record<TensorProto_DataType, DType>> = {
  [TensorProto_DataType.FLOAT]: 'float32',
  [TensorProto_DataType.DOUBLE]: 'float64',
  [TensorProto_DataType.INT32]: 'int32',
  [TensorProto_DataType.INT64]: 'int32',
  [TensorProto_DataType.BOOL]: 'bool',
};

/** 2-D spatial attributes; asymmetric pads are applied as an explicit pad, as Lantern's ops pad symmetrically. */
function spatial(node: NodeReader, input: Tensor, padValue: number) {
  if (node.string('auto_pad', 'NOTSET') !== 'NOTSET') node.fail('auto_pad is not supported; export with explicit pads');
  if (input.ndim !== 4) node.fail(`only 2-D (4-D input) convolution and pooling are supported, got rank ${input.ndim}`);
  const [top, left, bottom, right] = node.ints('pads', [0, 0, 0, 0])!;
  const symmetric = top === bottom && left === right;
  const padded = symmetric ? input : pad(input, [left!, right!, top!, bottom!], padValue);
  return {
    input: padded,
    asymmetric: !symmetric,
    padding: (symmetric ? [top!, left!] : [0, 0]) as [number, number],
    stride: node.ints('strides', [1, 1]) as [number, number],
    dilation: node.ints('dilations', [1, 1]) as [number, number],
  };
}

function kernel(node: NodeReader): [number, number] {
  const shape = node.ints('kernel_shape') ?? [];
  if (shape.length !== 2) node.fail('kernel_shape must list two extents');
  return shape as [number, number];
}

function reshapeTarget(node: NodeReader, input: Tensor): number[] {
  // 0 copies the input's extent at that axis (allowzero=0, the default), -1 is inferred by reshape itself.
  return node.numbers(1).map((extent, axis) => (extent === 0 ? input.shape[axis]! : extent));
}

function reduction(reduce: (x: Tensor, axes: number[] | undefined, keep: boolean) => Tensor): Operator {
  return (node) => {
    const axes = node.has(1) ? node.numbers(1) : (node.ints('axes') ?? undefined);
    return reduce(node.tensor(0), axes, node.int('keepdims', 1) === 1);
  };
}

export const operators: Readonly<Record<string, Operator>> = {
  Conv: (node) => {
    const { input, padding, stride, dilation } = spatial(node, node.tensor(0), 0);
    const bias = node.has(2) ? node.tensor(2) : null;
    return conv2d(input, node.tensor(1), bias, { stride, padding, dilation, groups: node.int('group', 1) });
  },
  MaxPool: (node) => {
    const { input, padding, stride, dilation } = spatial(node, node.tensor(0), -Infinity);
    if (node.node.output.length > 1 && node.node.output[1]) node.fail("MaxPool's Indices output is not supported");
    return maxPool2d(input, kernel(node), { stride, padding, dilation, ceilMode: node.int('ceil_mode', 0) === 1 }).values;
  },
  AveragePool: (node) => {
    const { input, padding, stride, asymmetric } = spatial(node, node.tensor(0), 0);
    const countIncludePad = node.int('count_include_pad', 0) === 1;
    if (asymmetric && !countIncludePad) node.fail('asymmetric pads without count_include_pad are not supported');
    return avgPool2d(input, kernel(node), { stride, padding, ceilMode: node.int('ceil_mode', 0) === 1, countIncludePad });
  },
  GlobalAveragePool: unary((x) =>
    x.mean(
      x.shape.slice(2).map((_, index) => index + 2),
      true,
    ),
  ),
  Flatten: (node) => {
    const input = node.tensor(0);
    const axis = node.int('axis', 1);
    const leading = input.shape.slice(0, axis < 0 ? axis + input.ndim : axis).reduce((product, extent) => product * extent, 1);
    return input.reshape([leading, -1]);
  },
  Reshape: (node) => node.tensor(0).reshape(reshapeTarget(node, node.tensor(0))),
  Gemm: (node) => {
    const a = node.int('transA', 0) ? node.tensor(0).t() : node.tensor(0);
    const b = node.int('transB', 0) ? node.tensor(1).t() : node.tensor(1);
    const product = a.matmul(b).mul(node.float('alpha', 1));
    return node.has(2) ? product.add(node.tensor(2).mul(node.float('beta', 1))) : product;
  },
  MatMul: binary((a, b) => a.matmul(b)),
  Add: binary((a, b) => a.add(b)),
  Sub: binary((a, b) => a.sub(b)),
  Mul: binary((a, b) => a.mul(b)),
  Div: binary((a, b) => a.div(b)),
  Pow: binary((a, b) => a.pow(b)),
  Max: binary((a, b) => a.maximum(b)),
  Min: binary((a, b) => a.minimum(b)),
  Less: binary((a, b) => a.lt(b)),
  LessOrEqual: binary((a, b) => a.le(b)),
  Greater: binary((a, b) => a.gt(b)),
  GreaterOrEqual: binary((a, b) => a.ge(b)),
  Equal: binary((a, b) => a.eq(b)),
  And: binary((a, b) => a.logicalAnd(b)),
  Or: binary((a, b) => a.logicalOr(b)),
  Not: unary((x) => x.logicalNot()),
  Where: (node) => where(node.tensor(0), node.tensor(1), node.tensor(2)),
  Relu: unary((x) => x.relu()),
  Sigmoid: unary((x) => x.sigmoid()),
  Tanh: unary((x) => x.tanh()),
  Exp: unary((x) => x.exp()),
  Log: unary((x) => x.log()),
  Sqrt: unary((x) => x.sqrt()),
  Reciprocal: unary((x) => x.reciprocal()),
  Neg: unary((x) => x.neg()),
  Abs: unary((x) => x.abs()),
  Sign: unary((x) => x.sign()),
  Erf: unary((x) => x.erf()),
  Sin: unary((x) => x.sin()),
  Cos: unary((x) => x.cos()),
  Floor: unary((x) => x.floor()),
  Ceil: unary((x) => x.ceil()),
  LeakyRelu: (node) => node.tensor(0).leakyRelu(node.float('alpha', 0.01)),
  Gelu: (node) => node.tensor(0).gelu(node.string('approximate', 'none') === 'tanh' ? 'tanh' : 'none'),
  Softmax: (node) => node.tensor(0).softmax(node.int('axis', -1)),
  LogSoftmax: (node) => node.tensor(0).logSoftmax(node.int('axis', -1)),
  Clip: (node) => {
    const bound = (index: number) => (node.has(index) ? node.numbers(index)[0]! : null);
    return node.tensor(0).clamp(bound(1), bound(2));
  },
  BatchNormalization: (node) => {
    if (node.node.output.length > 1 && node.node.output.slice(1).some(Boolean))
      node.fail('training-mode outputs are not supported');
    const [weight, bias, runningMean, runningVar] = [1, 2, 3, 4].map((index) => node.tensor(index));
    return batchNorm(node.tensor(0), { weight, bias, runningMean, runningVar, eps: node.float('epsilon', 1e-5) });
  },
  Dropout: unary((x) => x),
  Identity: unary((x) => x),
  Concat: (node) =>
    cat(
      node.node.input.map((_, index) => node.tensor(index)),
      node.int('axis', 0),
    ),
  Transpose: (node) => {
    const input = node.tensor(0);
    return input.permute(node.ints('perm') ?? input.shape.map((_, axis) => input.ndim - 1 - axis));
  },
  Squeeze: (node) => node.tensor(0).squeeze(node.has(1) ? node.numbers(1) : (node.ints('axes') ?? undefined)),
  Unsqueeze: (node) => {
    const input = node.tensor(0);
    const axes = node.has(1) ? node.numbers(1) : (node.ints('axes') ?? []);
    const rank = input.ndim + axes.length;
    return axes
      .map((axis) => (axis < 0 ? axis + rank : axis))
      .sort((a, b) => a - b)
      .reduce((value, axis) => value.unsqueeze(axis), input);
  },
  Expand: (node) => {
    const input = node.tensor(0);
    const shape = node.numbers(1);
    const rank = Math.max(shape.length, input.ndim);
    const padded = [...new Array(rank - input.ndim).fill(1), ...input.shape];
    const target = [...new Array(rank - shape.length).fill(1), ...shape].map((extent, axis) =>
      extent === 1 ? padded[axis]! : extent,
    );
    return input.expand(target);
  },
  Cast: (node) => {
    const dtype = lanternDType[node.int('to', 0) as TensorProto_DataType];
    if (!dtype) return node.fail(`Cast to ONNX type ${node.int('to', 0)} has no Lantern dtype`);
    return node.tensor(0).cast(dtype);
  },
  ReduceSum: reduction((x, axes, keep) => x.sum(axes, keep)),
  ReduceMean: reduction((x, axes, keep) => x.mean(axes, keep)),
};
