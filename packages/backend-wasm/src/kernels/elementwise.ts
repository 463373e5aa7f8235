import { createCpuBackend, forEachRow } from '@lantern/backend-cpu/kernels';
import { type BinaryOp, boolResultOps, isContiguous, sizeOf, type TensorView, type UnaryOp } from '@lantern/tensor';
import { binaryOpCodes, unaryOpCodes } from '../bridge/op-codes.js';
import type { WasmContext } from '../context.js';
import { cpuView } from '../views.js';

// The cpu reference's primitives, unregistered, run in place on wasm storage for the dtypes the module leaves to
// plain loops (float64, int32, bool).
export const reference = createCpuBackend('wasm-reference');

export function unary(context: WasmContext, op: UnaryOp, input: TensorView, output: TensorView): void {
  const code = unaryOpCodes[op];
  if (code === null || input.dtype !== 'float32' || output.dtype !== 'float32') {
    reference.unary(op, cpuView(context, input), cpuView(context, output));
    return;
  }
  const x = input.handle as number,
    y = output.handle as number,
    kernel = context.exports.unaryF32;
  forEachRow(output.shape, [input.strides, output.strides], [input.offset, output.offset], (length, [xo, yo], [xs, ys]) => {
    kernel(code, x + xo! * 4, xs!, y + yo! * 4, ys!, length);
  });
}

export function binary(context: WasmContext, op: BinaryOp, a: TensorView, b: TensorView, output: TensorView): void {
  const code = binaryOpCodes[op],
    writesBool = boolResultOps.has(op);
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || output.dtype !== (writesBool ? 'bool' : 'float32')) {
    reference.binary(op, cpuView(context, a), cpuView(context, b), cpuView(context, output));
    return;
  }
  const x = a.handle as number,
    y = b.handle as number,
    z = output.handle as number,
    width = writesBool ? 1 : 4;
  const kernel = context.exports.binaryF32;
  forEachRow(
    output.shape,
    [a.strides, b.strides, output.strides],
    [a.offset, b.offset, output.offset],
    (length, [xo, yo, zo], [xs, ys, zs]) => kernel(code, x + xo! * 4, xs!, y + yo! * 4, ys!, z + zo! * width, zs!, length),
  );
}

export function where(context: WasmContext, condition: TensorView, a: TensorView, b: TensorView, output: TensorView): void {
  if (condition.dtype !== 'bool' || a.dtype !== 'float32' || b.dtype !== 'float32' || output.dtype !== 'float32') {
    reference.where(cpuView(context, condition), cpuView(context, a), cpuView(context, b), cpuView(context, output));
    return;
  }
  const c = condition.handle as number,
    x = a.handle as number,
    y = b.handle as number,
    z = output.handle as number;
  const kernel = context.exports.whereF32;
  forEachRow(
    output.shape,
    [condition.strides, a.strides, b.strides, output.strides],
    [condition.offset, a.offset, b.offset, output.offset],
    (length, [co, xo, yo, zo], [cs, xs, ys, zs]) => {
      kernel(c + co!, cs!, x + xo! * 4, xs!, y + yo! * 4, ys!, z + zo! * 4, zs!, length);
    },
  );
}

export function copy(context: WasmContext, source: TensorView, destination: TensorView): void {
  if (source.dtype !== 'float32' || destination.dtype !== 'float32') {
    reference.copy(cpuView(context, source), cpuView(context, destination));
    return;
  }
  const x = source.handle as number,
    y = destination.handle as number,
    kernel = context.exports.copyF32;
  forEachRow(
    destination.shape,
    [source.strides, destination.strides],
    [source.offset, destination.offset],
    (length, [xo, yo], [xs, ys]) => kernel(x + xo! * 4, xs!, y + yo! * 4, ys!, length),
  );
}

const bytesPerElement = { float32: 4, float64: 8, int32: 4, bool: 1 } as const;

export function fill(context: WasmContext, destination: TensorView, value: number): void {
  // Zeroing whole contiguous storage (a compiled step's replay clears recycled memory so) is the allocator's clear:
  // bulk memory.fill, split across the pool for megabyte blocks.
  if (value === 0 && isContiguous(destination.shape, destination.strides)) {
    const bytes = bytesPerElement[destination.dtype];
    context.allocator.clear((destination.handle as number) + destination.offset * bytes, sizeOf(destination.shape) * bytes);
    return;
  }
  if (destination.dtype !== 'float32') {
    reference.fill(cpuView(context, destination), value);
    return;
  }
  const y = destination.handle as number,
    kernel = context.exports.fillF32;
  forEachRow(destination.shape, [destination.strides], [destination.offset], (length, [yo], [ys]) =>
    kernel(y + yo! * 4, ys!, length, value),
  );
}
