import type { TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { runMatmul } from '../generated/bridge.gen.js';
import { addressOf, cpuView } from '../views.js';
import { reference } from './elementwise.js';

const depthBlock = 256; // assembly/gemm.ts's KC

/**
 * Picks rows and columns per chunk: large blocks (64 × 256) keep packing and loop overheads low, and they halve
 * until there are a few chunks per thread or a chunk gets too small to be worth a claim.
 */
export function gemmBlocks(batch: number, m: number, n: number, k: number, threads: number): [number, number] {
  let rows = Math.min(64, Math.ceil(m / 4) * 4),
    columns = Math.min(256, Math.ceil(n / 8) * 8);
  const chunks = () => batch * Math.ceil(m / rows) * Math.ceil(n / columns);
  while (chunks() < threads * 3 && rows * columns * k > 32768) {
    if (columns >= rows * 2 && columns > 8) columns = Math.ceil(columns / 16) * 8;
    else if (rows > 4) rows = Math.ceil(rows / 8) * 4;
    else break;
  }
  while (chunks() > 0xffff) rows *= 2;
  return [rows, columns];
}

/** Batched matmul primitive: float32 through the module's blocked GEMM, other dtypes through the reference. */
export function matmul(context: WasmContext, a: TensorView, b: TensorView, output: TensorView): void {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || output.dtype !== 'float32' || output.strides[2] !== 1) {
    reference.matmul(cpuView(context, a), cpuView(context, b), cpuView(context, output));
    return;
  }
  const [batch, m, k] = a.shape as [number, number, number];
  const n = b.shape[2]!;
  if (batch === 0 || m === 0 || n === 0) return;
  const pool = context.pool;
  const [rows, columns] = gemmBlocks(batch, m, n, k, pool.threads);
  const [scratch, stride] = context.threadScratch(256 + depthBlock * columns * 4);
  runMatmul(
    pool,
    {
      batch,
      m,
      n,
      k,
      a: addressOf(a),
      aBatchStride: a.strides[0]!,
      aRowStride: a.strides[1]!,
      aColumnStride: a.strides[2]!,
      b: addressOf(b),
      bBatchStride: b.strides[0]!,
      bRowStride: b.strides[1]!,
      bColumnStride: b.strides[2]!,
      c: addressOf(output),
      cBatchStride: output.strides[0]!,
      cRowStride: output.strides[1]!,
      blockRows: rows,
      blockColumns: columns,
      scratch,
      scratchStride: stride,
    },
    batch * Math.ceil(m / rows) * Math.ceil(n / columns),
  );
}
