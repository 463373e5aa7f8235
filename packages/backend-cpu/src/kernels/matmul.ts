import type { TensorView, TypedArray } from '@lantern/tensor';
import { gemm } from './gemm.js';

/** Batched matmul primitive: a [B, M, K] · b [B, K, N] → output [B, M, N] (output contiguous, from core). */
export function matmul(a: TensorView<TypedArray>, b: TensorView<TypedArray>, output: TensorView<TypedArray>): void {
  const [batch, m, k] = a.shape as [number, number, number];
  const n = b.shape[2]!;
  const out = output.handle as Float32Array | Float64Array;
  for (let index = 0; index < batch; index++) {
    gemm(
      m,
      n,
      k,
      { data: a.handle, offset: a.offset + index * a.strides[0]!, rowStride: a.strides[1]!, columnStride: a.strides[2]! },
      { data: b.handle, offset: b.offset + index * b.strides[0]!, rowStride: b.strides[1]!, columnStride: b.strides[2]! },
      out,
      output.offset + index * output.strides[0]!,
      output.strides[1]!,
      false,
    );
  }
}
