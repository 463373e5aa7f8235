import { normalizeDim, type Tensor } from '@lantern/tensor';
import { attribute, type OpContext, type OpMapping } from '../export/graph-builder.js';

function alongDim(opType: 'Softmax' | 'LogSoftmax'): OpMapping {
  return (context) => {
    const [self, dim] = context.inputs as [Tensor, number];
    // From opset 13 on, Softmax's axis is the one dim it normalises over, as in PyTorch.
    context.produce(opType, [context.value(self)], [attribute.int('axis', normalizeDim(context.op.name, dim, self.ndim))]);
  };
}

// GELU became an ONNX operator in opset 20; before that it is written out as PyTorch's exporter writes it.
function gelu(context: OpContext) {
  const [self, approximate = 'none'] = context.inputs as [Tensor, ('none' | 'tanh')?];
  const dtype = context.output.dtype;
  const x = context.value(self);
  if (context.opset >= 20) return context.produce('Gelu', [x], [attribute.string('approximate', approximate)]);
  const scalar = (value: number) => context.constant(dtype, [], [value]);
  const step = (opType: string, ...inputs: string[]) => context.node(opType, inputs)[0]!;
  let inner: string;
  if (approximate === 'tanh') {
    // 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
    const cube = step('Mul', step('Mul', x, x), x);
    const sum = step('Add', x, step('Mul', cube, scalar(0.044715)));
    inner = step('Tanh', step('Mul', sum, scalar(Math.sqrt(2 / Math.PI))));
  } else {
    // 0.5 x (1 + erf(x / √2))
    inner = step('Erf', step('Mul', x, scalar(Math.SQRT1_2)));
  }
  context.produce('Mul', [step('Mul', x, scalar(0.5)), step('Add', inner, scalar(1))]);
}

export const activationMappings: Readonly<Record<string, OpMapping>> = {
  softmax: alongDim('Softmax'),
  logSoftmax: alongDim('LogSoftmax'),
  leakyRelu: (context) => {
    const [self, negativeSlope = 0.01] = context.inputs as [Tensor, number?];
    context.produce('LeakyRelu', [context.value(self)], [attribute.float('alpha', negativeSlope)]);
  },
  gelu,
  clamp: (context) => {
    const [self, min, max] = context.inputs as [Tensor, (number | null)?, (number | null)?];
    const dtype = context.output.dtype;
    const bound = (value: number | null | undefined) =>
      value === undefined || value === null ? '' : context.constant(dtype, [], [value]);
    // Clip's bounds are optional inputs: an empty name leaves one out.
    const bounds = [bound(min), bound(max)];
    while (bounds.length > 0 && bounds[bounds.length - 1] === '') bounds.pop();
    context.produce('Clip', [context.value(self, dtype), ...bounds]);
  },
};
