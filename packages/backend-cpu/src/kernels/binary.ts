import type { BinaryOp, TensorView, TypedArray } from '@lantern/tensor';
import { forEachRow } from './strided.js';

export const binaryFunctions: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  // NaN wins, as in torch.maximum/minimum. Math.max/min would also change which zero a (+0, -0) tie returns.
  // biome-ignore lint/complexity/useMathMinMax: the ternary keeps the tie behaviour explained above.
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a > b ? a : b),
  // biome-ignore lint/complexity/useMathMinMax: as maximum.
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a < b ? a : b),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

// Integer division and power need integer semantics that the float functions above do not give.
const int32Functions: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  pow: (a, b) => (b < 0 ? (a === 1 ? 1 : a === -1 ? (b % 2 ? -1 : 1) : 0) : (a ** b) | 0),
  mul: (a, b) => Math.imul(a, b),
};

export function binary(op: BinaryOp, a: TensorView<TypedArray>, b: TensorView<TypedArray>, output: TensorView<TypedArray>): void {
  const f = (a.dtype === 'int32' && int32Functions[op]) || binaryFunctions[op];
  const x = a.handle,
    y = b.handle,
    z = output.handle;
  forEachRow(
    output.shape,
    [a.strides, b.strides, output.strides],
    [a.offset, b.offset, output.offset],
    (length, [xo, yo, zo], [xs, ys, zs]) => {
      for (let i = 0; i < length; i++) z[zo! + i * zs!] = f(x[xo! + i * xs!]!, y[yo! + i * ys!]!);
    },
  );
}

export function where(
  condition: TensorView<TypedArray>,
  a: TensorView<TypedArray>,
  b: TensorView<TypedArray>,
  output: TensorView<TypedArray>,
): void {
  const c = condition.handle,
    x = a.handle,
    y = b.handle,
    z = output.handle;
  forEachRow(
    output.shape,
    [condition.strides, a.strides, b.strides, output.strides],
    [condition.offset, a.offset, b.offset, output.offset],
    (length, [co, xo, yo, zo], [cs, xs, ys, zs]) => {
      for (let i = 0; i < length; i++) z[zo! + i * zs!] = c[co! + i * cs!] ? x[xo! + i * xs!]! : y[yo! + i * ys!]!;
    },
  );
}

/** Strided copy with dtype conversion: to bool means "nonzero"; float to int truncates toward zero (as torch). */
export function copy(source: TensorView<TypedArray>, destination: TensorView<TypedArray>): void {
  const x = source.handle,
    y = destination.handle;
  const toBool = destination.dtype === 'bool' && source.dtype !== 'bool';
  forEachRow(
    destination.shape,
    [source.strides, destination.strides],
    [source.offset, destination.offset],
    (length, [xo, yo], [xs, ys]) => {
      if (toBool) for (let i = 0; i < length; i++) y[yo! + i * ys!] = x[xo! + i * xs!] ? 1 : 0;
      else if (xs === 1 && ys === 1 && x.constructor === y.constructor) y.set(x.subarray(xo!, xo! + length) as never, yo!);
      else for (let i = 0; i < length; i++) y[yo! + i * ys!] = x[xo! + i * xs!]!;
    },
  );
}

export function fill(destination: TensorView<TypedArray>, value: number): void {
  const y = destination.handle;
  const stored = destination.dtype === 'bool' ? (value ? 1 : 0) : value;
  forEachRow(destination.shape, [destination.strides], [destination.offset], (length, [yo], [ys]) => {
    for (let i = 0; i < length; i++) y[yo! + i * ys!] = stored;
  });
}
