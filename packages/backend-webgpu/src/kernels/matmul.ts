import type { GpuView } from '../layout.js';
import { convert, type KernelRuntime } from '../runtime.js';
import { kernelWordBase, runGemm } from './gemm.js';

const maxBatchPerDispatch = 65535;

/**
 * The matmul primitive: a [B, M, K] · b [B, K, N] → output [B, M, N], every operand through its own strides (a batch
 * stride of 0 broadcasts), so transposed and expanded operands need no copy. float32 and int32 (bool as int).
 */
export function matmul(runtime: KernelRuntime, a: GpuView, b: GpuView, output: GpuView): void {
  const [batches, m, k] = a.shape as [number, number, number];
  const n = b.shape[2]!;
  const aType = runtime.storageType(a.dtype),
    bType = runtime.storageType(b.dtype),
    outputType = runtime.storageType(output.dtype);
  const type = outputType === 'f32' ? 'f32' : 'i32';
  const w = (index: number) => `params[${kernelWordBase + index}]`;
  const functions = `
fn loadA(batch: u32, row: u32, k: u32, outer: u32, middle: u32, inner: u32) -> T {
  return ${convert(`a[${w(0)} + i32(batch) * ${w(1)} + i32(row) * ${w(2)} + i32(k) * ${w(3)}]`, aType, type)};
}
struct ColumnB { offset: i32 }
fn prepareB(batch: u32, col: u32) -> ColumnB { return ColumnB(${w(4)} + i32(batch) * ${w(5)} + i32(col) * ${w(7)}); }
fn loadB(batch: u32, k: u32, middle: u32, inner: u32, column: ColumnB) -> T {
  return ${convert(`b[column.offset + i32(k) * ${w(6)}]`, bType, type)};
}
fn storeC(batch: u32, row: u32, col: u32, value: T) {
  output[${w(8)} + i32(batch) * ${w(9)} + i32(row) * ${w(10)} + i32(col) * ${w(11)}] = ${convert('value', type, outputType)};
}`;
  const declarations = [
    { name: 'a', type: aType, writable: false },
    { name: 'b', type: bType, writable: false },
    { name: 'output', type: outputType, writable: true },
  ];
  if (k === 0) {
    // An empty inner dimension gives zeros, written here: the output may be reused storage (compile() drops the zero
    // fill of every primitive's output).
    runtime.outputCleared(output);
    return;
  }
  const bindings = [runtime.input(a), runtime.input(b), runtime.output(output)];
  for (let start = 0; start < batches; start += maxBatchPerDispatch) {
    const count = Math.min(maxBatchPerDispatch, batches - start);
    runGemm(runtime, {
      key: `matmul:${aType}:${bType}:${outputType}`,
      type,
      declarations,
      bindings,
      functions,
      m,
      n,
      kExtents: [k, 1, 1],
      batches: count,
      words: [
        a.offset + start * a.strides[0]!,
        a.strides[0]!,
        a.strides[1]!,
        a.strides[2]!,
        b.offset + start * b.strides[0]!,
        b.strides[0]!,
        b.strides[1]!,
        b.strides[2]!,
        output.offset + start * output.strides[0]!,
        output.strides[0]!,
        output.strides[1]!,
        output.strides[2]!,
      ],
      splitOutput: type === 'f32' ? sliceBatches(output, start, count) : undefined,
    });
  }
}

function sliceBatches(view: GpuView, start: number, count: number): GpuView {
  return { ...view, shape: [count, view.shape[1]!, view.shape[2]!], offset: view.offset + start * view.strides[0]! };
}
