import type { Conv2dAttributes, TensorView, TypedArray } from '@lantern/tensor';
import { gemm } from './gemm.js';
import { columnBuffer, convGeometry, im2col } from './im2col.js';

type FloatArray = Float32Array | Float64Array;

/** conv2d forward: per image and group, im2col then one GEMM (weight rows × columns), then the bias. */
export function conv2d(
  input: TensorView<TypedArray>,
  weight: TensorView<TypedArray>,
  bias: TensorView<TypedArray> | null,
  output: TensorView<TypedArray>,
  attributes: Conv2dAttributes,
): void {
  const g = convGeometry(input.shape, weight.shape, output.shape, attributes);
  const groups = attributes.groups;
  const inPerGroup = g.channels / groups,
    outPerGroup = g.outChannels / groups;
  const depth = inPerGroup * g.kernelHeight * g.kernelWidth,
    plane = g.outHeight * g.outWidth;
  const columns = columnBuffer(depth * plane);
  const out = output.handle as FloatArray;
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < groups; group++) {
      im2col(input.handle, input.offset + n * g.channels * g.height * g.width, g, group * inPerGroup, inPerGroup, columns);
      gemm(
        outPerGroup,
        plane,
        depth,
        { data: weight.handle, offset: weight.offset + group * outPerGroup * depth, rowStride: depth, columnStride: 1 },
        { data: columns, offset: 0, rowStride: plane, columnStride: 1 },
        out,
        output.offset + (n * g.outChannels + group * outPerGroup) * plane,
        plane,
        false,
      );
    }
    if (bias) {
      for (let o = 0; o < g.outChannels; o++) {
        const value = bias.handle[bias.offset + o]!,
          base = output.offset + (n * g.outChannels + o) * plane;
        for (let p = 0; p < plane; p++) out[base + p] += value;
      }
    }
  }
}
