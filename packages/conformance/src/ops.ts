import {
  type AdamUpdateOptions,
  adamUpdate_,
  adaptiveAvgPool2d,
  avgPool2d,
  cat,
  conv2d,
  type DType,
  linear,
  maxPool2d,
  pad,
  type SgdUpdateOptions,
  sgdUpdate_,
  softmaxCrossEntropy,
  stack,
  type Tensor,
  where,
} from '@lantern/tensor';

// biome-ignore lint/suspicious/noExplicitAny: fixture attributes, a different set per op, each read by its op.
export type Attributes = Record<string, any>;
export type OpCall = (inputs: Tensor[], attributes: Attributes) => Tensor | Tensor[];

/** One update of `param` per entry of `grads` along dim 0, from fresh state (so the first step is covered). */
function sgdSteps(param: Tensor, grads: Tensor, a: Attributes): Tensor[] {
  let buffer: Tensor | null = null;
  for (let step = 0; step < grads.shape[0]!; step++) {
    buffer = sgdUpdate_(param, grads.select(0, step), buffer, a as SgdUpdateOptions);
  }
  return buffer ? [param, buffer] : [param];
}

function adamSteps(param: Tensor, grads: Tensor, a: Attributes): Tensor[] {
  const moments = [param.zerosLike(), param.zerosLike(), ...(a.amsgrad ? [param.zerosLike()] : [])];
  for (let step = 0; step < grads.shape[0]!; step++) {
    adamUpdate_(param, grads.select(0, step), moments[0]!, moments[1]!, moments[2] ?? null, {
      ...(a as AdamUpdateOptions),
      step: step + 1,
    });
  }
  return [param, ...moments];
}

const dims = (a: Attributes): [number | number[] | undefined, boolean] => [a.dim, a.keepdim ?? false];

/** The Lantern call for each op name in the fixtures; the PyTorch side is OPS in scripts/generate_fixtures.py. */
export const ops: Record<string, OpCall> = {
  neg: ([x]) => x!.neg(),
  exp: ([x]) => x!.exp(),
  log: ([x]) => x!.log(),
  sqrt: ([x]) => x!.sqrt(),
  rsqrt: ([x]) => x!.rsqrt(),
  reciprocal: ([x]) => x!.reciprocal(),
  abs: ([x]) => x!.abs(),
  sign: ([x]) => x!.sign(),
  sin: ([x]) => x!.sin(),
  cos: ([x]) => x!.cos(),
  tanh: ([x]) => x!.tanh(),
  sigmoid: ([x]) => x!.sigmoid(),
  relu: ([x]) => x!.relu(),
  erf: ([x]) => x!.erf(),
  floor: ([x]) => x!.floor(),
  ceil: ([x]) => x!.ceil(),
  round: ([x]) => x!.round(),
  square: ([x]) => x!.square(),
  gelu: ([x], a) => x!.gelu(a.approximate ?? 'none'),
  leakyRelu: ([x], a) => x!.leakyRelu(a.slope),
  clamp: ([x], a) => x!.clamp(a.min, a.max),
  softmax: ([x], a) => x!.softmax(a.dim),
  logSoftmax: ([x], a) => x!.logSoftmax(a.dim),
  logicalNot: ([x]) => x!.logicalNot(),
  add: ([a, b]) => a!.add(b!),
  sub: ([a, b]) => a!.sub(b!),
  mul: ([a, b]) => a!.mul(b!),
  div: ([a, b]) => a!.div(b!),
  pow: ([a, b]) => a!.pow(b!),
  addScalar: ([x], a) => x!.add(a.value),
  mulScalar: ([x], a) => x!.mul(a.value),
  powScalar: ([x], a) => x!.pow(a.value),
  rsubScalar: ([x], a) => x!.neg().add(a.value),
  maximum: ([a, b]) => a!.maximum(b!),
  minimum: ([a, b]) => a!.minimum(b!),
  lt: ([a, b]) => a!.lt(b!),
  le: ([a, b]) => a!.le(b!),
  gt: ([a, b]) => a!.gt(b!),
  ge: ([a, b]) => a!.ge(b!),
  eq: ([a, b]) => a!.eq(b!),
  ne: ([a, b]) => a!.ne(b!),
  where: ([c, a, b]) => where(c!, a!, b!),
  matmul: ([a, b]) => a!.matmul(b!),
  linear: ([x, w, b]) => linear(x!, w!, b ?? null),
  cast: ([x], a) => x!.cast(a.dtype as DType),
  sum: ([x], a) => x!.sum(...dims(a)),
  mean: ([x], a) => x!.mean(...dims(a)),
  var: ([x], a) => x!.var(a.dim, a.keepdim ?? false, a.correction ?? 1),
  std: ([x], a) => x!.std(a.dim, a.keepdim ?? false, a.correction ?? 1),
  amax: ([x], a) => x!.amax(...dims(a)),
  amin: ([x], a) => x!.amin(...dims(a)),
  maxAll: ([x]) => x!.max(),
  minAll: ([x]) => x!.min(),
  maxDim: ([x], a) => {
    const r = x!.max(a.dim, a.keepdim ?? false);
    return [r.values, r.indices];
  },
  minDim: ([x], a) => {
    const r = x!.min(a.dim, a.keepdim ?? false);
    return [r.values, r.indices];
  },
  argmax: ([x], a) => x!.argmax(a.dim, a.keepdim ?? false),
  argmin: ([x], a) => x!.argmin(a.dim, a.keepdim ?? false),
  reshape: ([x], a) => x!.reshape(a.shape),
  permute: ([x], a) => x!.permute(a.dims),
  transpose: ([x], a) => x!.transpose(a.dim0, a.dim1),
  expand: ([x], a) => x!.expand(a.shape),
  slice: ([x], a) => x!.slice(a.dim, a.start ?? 0, a.end ?? undefined, a.step ?? 1),
  narrow: ([x], a) => x!.narrow(a.dim, a.start, a.length),
  select: ([x], a) => x!.select(a.dim, a.index),
  flip: ([x], a) => x!.flip(a.dims),
  squeeze: ([x], a) => x!.squeeze(a.dim),
  unsqueeze: ([x], a) => x!.unsqueeze(a.dim),
  flatten: ([x], a) => x!.flatten(a.start ?? 0, a.end ?? -1),
  contiguous: ([x]) => x!.contiguous(),
  cat: (xs, a) => cat(xs, a.dim),
  stack: (xs, a) => stack(xs, a.dim),
  pad: ([x], a) => pad(x!, a.padding, a.value ?? 0),
  conv2d: ([x, w, b], a) =>
    conv2d(x!, w!, b ?? null, { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups }),
  maxPool2d: ([x], a) => {
    const r = maxPool2d(x!, a.kernel, { stride: a.stride, padding: a.padding, dilation: a.dilation, ceilMode: a.ceilMode });
    return [r.values, r.indices];
  },
  avgPool2d: ([x], a) =>
    avgPool2d(x!, a.kernel, {
      stride: a.stride,
      padding: a.padding,
      ceilMode: a.ceilMode,
      countIncludePad: a.countIncludePad,
      divisorOverride: a.divisorOverride,
    }),
  adaptiveAvgPool2d: ([x], a) => adaptiveAvgPool2d(x!, a.size),
  softmaxCrossEntropy: ([x, t]) => softmaxCrossEntropy(x!, t!),
  sgdUpdate: ([param, grads], a) => sgdSteps(param!, grads!, a),
  adamUpdate: ([param, grads], a) => adamSteps(param!, grads!, a),
};
