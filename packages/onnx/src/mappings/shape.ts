import { formatShape, normalizeDim, type Tensor } from '@lantern/tensor';
import { attribute, type OpContext, type OpMapping } from '../export/graph-builder.js';

const sameDims = (context: OpContext, a: Tensor, b: Tensor) => {
  const [left, right] = [context.dims(a), context.dims(b)];
  return left.shape.join() === right.shape.join() && left.alternate.join() === right.alternate.join();
};

/**
 * Reshape's target for `output`: fixed extents as they are; a dim that varies with the inputs is copied from the
 * input (0) where the input has that very dim at the same axis, and is otherwise the one inferred dim (-1).
 */
function reshapeTarget(context: OpContext, input: Tensor, output: Tensor): number[] {
  const from = context.dims(input),
    to = context.dims(output);
  const target = to.shape.map((size, axis) => {
    if (!to.dynamic[axis]) return size;
    const copied = from.dynamic[axis] && from.shape[axis] === size && from.alternate[axis] === to.alternate[axis];
    return copied ? 0 : -1;
  });
  if (target.filter((size) => size === -1).length > 1) {
    context.fail(`more than one dim of the result ${formatShape(output.shape)} varies with the input sizes, in different ways`);
  }
  if (to.shape.some((size, axis) => size === 0 && !to.dynamic[axis])) context.fail('a reshape to a zero-size dim');
  return target;
}

function reshape(context: OpContext) {
  const [self] = context.inputs as [Tensor];
  const output = context.output;
  if (sameDims(context, self, output)) return context.alias(self);
  if (context.op.name === 'flatten' && self.ndim >= 2) {
    const [, startDim = 0, endDim = -1] = context.inputs as [Tensor, number?, number?];
    const [start, end] = [normalizeDim('flatten', startDim, self.ndim), normalizeDim('flatten', endDim, self.ndim)];
    // flatten(1) of any rank is ONNX's Flatten(axis=1); other flattens and every reshape are Reshape.
    if (start === 1 && end === self.ndim - 1)
      return context.produce('Flatten', [context.value(self)], [attribute.int('axis', 1)]);
  }
  context.produce('Reshape', [context.value(self), context.int64s(reshapeTarget(context, self, output))]);
}

function transposeWith(context: OpContext, perm: readonly number[]) {
  const [self] = context.inputs as [Tensor];
  if (perm.every((axis, index) => axis === index)) return context.alias(self);
  context.produce('Transpose', [context.value(self)], [attribute.ints('perm', perm)]);
}

function expand(context: OpContext) {
  const [self] = context.inputs as [Tensor];
  const output = context.output;
  const from = context.dims(self),
    to = context.dims(output);
  const offset = output.ndim - self.ndim;
  // Expand broadcasts: a 1 keeps the input's extent, which is how a dim that varies passes through.
  const target = to.shape.map((size, axis) => {
    if (!to.dynamic[axis]) return size;
    if (axis >= offset && from.dynamic[axis - offset]) return 1;
    return context.fail(`it expands to a dim that varies with the input sizes (result ${formatShape(output.shape)})`);
  });
  context.produce('Expand', [context.value(self), context.int64s(target)]);
}

const identity = (context: OpContext) => context.alias(context.inputs[0] as Tensor);

export const shapeMappings: Readonly<Record<string, OpMapping>> = {
  reshape,
  view: reshape,
  viewAs: reshape,
  flatten: reshape,
  squeeze: (context) => {
    const [self, dims] = context.inputs as [Tensor, (number | readonly number[])?];
    const listed = dims === undefined ? self.shape.map((_, axis) => axis) : typeof dims === 'number' ? [dims] : [...dims];
    const axes = listed.map((dim) => normalizeDim('squeeze', dim, self.ndim)).filter((axis) => self.shape[axis] === 1);
    if (axes.length === 0) return context.alias(self);
    const from = context.dims(self);
    if (axes.some((axis) => from.dynamic[axis])) context.fail('it squeezes a dim whose size varies with the input sizes');
    context.produce('Squeeze', [context.value(self), context.int64s(axes)]);
  },
  unsqueeze: (context) => {
    const [self, dim] = context.inputs as [Tensor, number];
    context.produce('Unsqueeze', [context.value(self), context.int64s([normalizeDim('unsqueeze', dim, self.ndim + 1)])]);
  },
  transpose: (context) => {
    const [self, dim0, dim1] = context.inputs as [Tensor, number, number];
    const perm = self.shape.map((_, axis) => axis);
    const [a, b] = [normalizeDim('transpose', dim0, self.ndim), normalizeDim('transpose', dim1, self.ndim)];
    [perm[a], perm[b]] = [b, a];
    transposeWith(context, perm);
  },
  permute: (context) => {
    const [self, ...rest] = context.inputs as [Tensor, ...unknown[]];
    const dims = (Array.isArray(rest[0]) ? rest[0] : rest) as number[];
    transposeWith(
      context,
      dims.map((dim) => normalizeDim('permute', dim, self.ndim)),
    );
  },
  t: (context) => transposeWith(context, (context.inputs[0] as Tensor).ndim === 2 ? [1, 0] : [0]),
  expand,
  expandAs: expand,
  cat: (context) => {
    const [tensors, dim = 0] = context.inputs as [readonly Tensor[], number?];
    const dtype = context.output.dtype;
    const axis = normalizeDim('cat', dim, tensors[0]!.ndim);
    context.produce(
      'Concat',
      tensors.map((tensor) => context.value(tensor, dtype)),
      [attribute.int('axis', axis)],
    );
  },
  stack: (context) => {
    const [tensors, dim = 0] = context.inputs as [readonly Tensor[], number?];
    const dtype = context.output.dtype;
    const axis = normalizeDim('stack', dim, tensors[0]!.ndim + 1);
    const axes = context.int64s([axis]);
    const unsqueezed = tensors.map((tensor) => context.node('Unsqueeze', [context.value(tensor, dtype), axes])[0]!);
    context.produce('Concat', unsqueezed, [attribute.int('axis', axis)]);
  },
  contiguous: identity,
  clone: identity,
  detach: identity,
  to: identity,
};
