import { forEachRow } from '@lantern/backend-cpu/kernels';
import { contiguousStrides, isContiguous, type ReduceOp, sizeOf, type TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { addressOf, cpuView } from '../views.js';
import { reference } from './elementwise.js';

/**
 * float32 sum/max/min with float64 accumulators in linear memory, walked like the cpu reference: the accumulator is
 * row-major over the output shape, with stride 0 on reduced axes, so every input row either folds into one
 * accumulator or adds into a row of them. argmax/argmin and other dtypes run the reference loops in place.
 */
export function reduce(context: WasmContext, op: ReduceOp, input: TensorView, axes: readonly number[], output: TensorView): void {
  if (input.dtype !== 'float32' || output.dtype !== 'float32' || op === 'argmax' || op === 'argmin') {
    reference.reduce(op, cpuView(context, input), axes, cpuView(context, output));
    return;
  }
  const exports = context.exports;
  const outputSize = output.shape.reduce((a, b) => a * b, 1);
  if (op === 'sum' && sumAcross(context, input, axes, output)) return;
  const accumulator = context.workspaces.get('reduce', outputSize * 8);
  const accumulatorStrides = contiguousStrides(output.shape).map((stride, axis) => (axes.includes(axis) ? 0 : stride));
  const x = input.handle as number;
  if (op === 'sum') {
    exports.fillF64(accumulator, outputSize, 0);
    const f64 = () => context.runtime.f64;
    forEachRow(input.shape, [input.strides, accumulatorStrides], [input.offset, 0], (length, [xo, ao], [xs, as]) => {
      if (as === 0) f64()[accumulator / 8 + ao!] += exports.sumRowF32(x + xo! * 4, xs!, length);
      else exports.accumulateRowF32(accumulator + ao! * 8, as!, x + xo! * 4, xs!, length);
    });
  } else {
    const isMax = op === 'max' ? 1 : 0;
    exports.fillF64(accumulator, outputSize, isMax ? -Infinity : Infinity);
    forEachRow(input.shape, [input.strides, accumulatorStrides], [input.offset, 0], (length, [xo, ao], [xs, as]) => {
      exports.extremeRowF32(isMax, accumulator + ao! * 8, as!, x + xo! * 4, xs!, length);
    });
  }
  let position = 0;
  const y = output.handle as number;
  forEachRow(output.shape, [output.strides], [output.offset], (length, [yo], [ys]) => {
    exports.storeF64AsF32(accumulator + position * 8, y + yo! * 4, ys!, length);
    position += length;
  });
}

/**
 * A sum over leading and trailing axes that keeps a run of middle ones of a contiguous input, [outer, middle, inner]
 * → [middle] (a convolution's bias gradient, [N, C, H, W] → [C]), in one wasm call that walks the rows as the loop
 * above does (bitwise the same): per-row calls from JavaScript cost more than the sums of short rows. Returns false
 * for any other reduction.
 */
function sumAcross(context: WasmContext, input: TensorView, axes: readonly number[], output: TensorView): boolean {
  const shape = input.shape;
  const kept = shape.map((_, axis) => axis).filter((axis) => !axes.includes(axis));
  if (kept.length === 0 || kept[kept.length - 1]! - kept[0]! !== kept.length - 1) return false;
  const first = kept[0]!,
    last = kept[kept.length - 1]! + 1;
  const [outer, middle, inner] = [shape.slice(0, first), shape.slice(first, last), shape.slice(last)].map(sizeOf) as [
    number,
    number,
    number,
  ];
  const contiguous = (view: TensorView) => isContiguous(view.shape, view.strides);
  // One kept element: the walk merges the whole input into one row, summed in another order.
  if (middle < 2 || !contiguous(input) || !contiguous(output)) return false;
  const totals = context.workspaces.get('reduce', middle * 8);
  context.exports.sumAcrossF32(addressOf(input), addressOf(output), totals, outer, middle, inner);
  return true;
}
