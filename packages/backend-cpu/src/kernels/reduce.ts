import { contiguousStrides, type ReduceOp, type TensorView, type TypedArray } from '@lantern/tensor';
import { forEachRow } from './strided.js';

/**
 * Reductions. The output has the input's rank with reduced axes of extent 1; walking the input with the output's
 * strides zeroed on those axes lands every input element on its output element. Sums accumulate in float64.
 */
export function reduce(
  op: ReduceOp,
  input: TensorView<TypedArray>,
  axes: readonly number[],
  output: TensorView<TypedArray>,
): void {
  if (op === 'argmax' || op === 'argmin') {
    argReduce(op, input, axes[0]!, output);
    return;
  }
  // The accumulator is row-major over the output shape, whatever the output view's own strides.
  const outputStrides = contiguousStrides(output.shape).map((stride, axis) => (axes.includes(axis) ? 0 : stride));
  const outputSize = output.shape.reduce((a, b) => a * b, 1);
  const accumulator = new Float64Array(outputSize);
  const x = input.handle;
  if (op === 'sum') {
    forEachRow(input.shape, [input.strides, outputStrides], [input.offset, 0], (length, [xo, ao], [xs, as]) => {
      if (as === 0) {
        let total = 0;
        for (let i = 0; i < length; i++) total += x[xo! + i * xs!]!;
        accumulator[ao!] += total;
      } else for (let i = 0; i < length; i++) accumulator[ao! + i * as!] += x[xo! + i * xs!]!;
    });
  } else {
    const isMax = op === 'max';
    accumulator.fill(isMax ? -Infinity : Infinity);
    forEachRow(input.shape, [input.strides, outputStrides], [input.offset, 0], (length, [xo, ao], [xs, as]) => {
      for (let i = 0; i < length; i++) {
        const value = x[xo! + i * xs!]!,
          at = ao! + i * as!,
          current = accumulator[at]!;
        // NaN propagates, as in torch.amax.
        if (Number.isNaN(value) || (isMax ? value > current : value < current)) accumulator[at] = value;
        else if (Number.isNaN(current)) accumulator[at] = current;
      }
    });
  }
  writeContiguousOrStrided(accumulator, output);
}

function writeContiguousOrStrided(values: Float64Array, output: TensorView<TypedArray>): void {
  let position = 0;
  const y = output.handle;
  forEachRow(output.shape, [output.strides], [output.offset], (length, [yo], [ys]) => {
    for (let i = 0; i < length; i++) y[yo! + i * ys!] = values[position++]!;
  });
}

function argReduce(op: 'argmax' | 'argmin', input: TensorView<TypedArray>, axis: number, output: TensorView<TypedArray>): void {
  const x = input.handle,
    y = output.handle;
  const extent = input.shape[axis]!,
    step = input.strides[axis]!;
  const isMax = op === 'argmax';
  const outerShape = input.shape.map((e, a) => (a === axis ? 1 : e));
  forEachRow(outerShape, [input.strides, output.strides], [input.offset, output.offset], (length, [xo, yo], [xs, ys]) => {
    for (let i = 0; i < length; i++) {
      const base = xo! + i * xs!;
      let best = x[base]!,
        bestIndex = 0;
      for (let k = 1; k < extent && !Number.isNaN(best); k++) {
        const value = x[base + k * step]!;
        if (Number.isNaN(value) || (isMax ? value > best : value < best)) {
          best = value;
          bestIndex = k;
        }
      }
      y[yo! + i * ys!] = bestIndex;
    }
  });
}
