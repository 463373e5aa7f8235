import type { Tensor } from './tensor.js';

/** Formats one element as PyTorch prints it: `1.`, `0.5000`, `1.0000e+05`, `True`, `3`. */
function elementFormatter(values: ArrayLike<number>, dtype: string): (value: number) => string {
  if (dtype === 'bool') return (value) => (value ? 'True' : 'False');
  if (dtype === 'int32') return (value) => String(value);
  let allIntegers = true,
    maxAbs = 0,
    minAbs = Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) continue;
    if (!Number.isInteger(value)) allIntegers = false;
    const magnitude = Math.abs(value);
    maxAbs = Math.max(maxAbs, magnitude);
    if (magnitude > 0) minAbs = Math.min(minAbs, magnitude);
  }
  const special = (value: number) => (Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf');
  const scientific = maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs !== Infinity) || (maxAbs / minAbs > 1000 && !allIntegers);
  if (scientific)
    return (value) => (Number.isFinite(value) ? value.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(value));
  if (allIntegers) return (value) => (Number.isFinite(value) ? `${value.toFixed(0)}.` : special(value));
  return (value) => (Number.isFinite(value) ? value.toFixed(4) : special(value));
}

/** `tensor([[1., 2.], [3., 4.]], requires_grad=True)`, laid out as PyTorch lays it out. */
export function formatTensor(tensor: Tensor): string {
  if (tensor.isDisposed) return `tensor(<disposed>, shape=[${tensor.shape.join(', ')}])`;
  if (!tensor.backend.readSync)
    return `tensor(<on ${tensor.backend.name}: read with await data()>, shape=[${tensor.shape.join(', ')}])`;
  const values = tensor.dataSync();
  const format = elementFormatter(values, tensor.dtype);
  const texts = Array.from(values, format);
  const width = texts.reduce((widest, text) => Math.max(widest, text.length), 0);
  const shape = tensor.shape;
  let position = 0;
  const render = (depth: number, indent: string): string => {
    if (depth === shape.length) return texts[position++]!.padStart(width);
    const parts: string[] = [];
    for (let i = 0; i < shape[depth]!; i++) parts.push(render(depth + 1, `${indent} `));
    const separator = depth === shape.length - 1 ? ', ' : `,${'\n'.repeat(shape.length - depth - 1)}${indent} `;
    return `[${parts.join(separator)}]`;
  };
  const body = shape.length === 0 ? texts[0]! : render(0, '       ');
  const extras: string[] = [];
  if (tensor.dtype === 'float64') extras.push('dtype=torch.float64');
  if (tensor.dtype === 'int32') extras.push('dtype=torch.int32');
  if (tensor.size === 0) extras.push(`size=(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
  if (tensor.gradFn) extras.push(`grad_fn=<${tensor.gradFn.name[0]!.toUpperCase()}${tensor.gradFn.name.slice(1)}Backward0>`);
  else if (tensor.requiresGrad) extras.push('requires_grad=True');
  return `tensor(${[body, ...extras].join(', ')})`;
}
