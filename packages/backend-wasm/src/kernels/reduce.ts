import { forEachRow } from '@lantern/backend-cpu/kernels';
import { contiguousStrides, type ReduceOp, type TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { cpuView } from '../views.js';
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
