import type { Conv2dAttributes, TensorView, TypedArray } from '@lantern/tensor';
import { gemm } from './gemm.js';
import { columnBuffer, convGeometry, im2col } from './im2col.js';

/** dL/dweight: per group, the sum over images of gradOutput × columnsᵀ (accumulated by the GEMM). */
export function conv2dBackwardWeight(
  gradOutput: TensorView<TypedArray>,
  input: TensorView<TypedArray>,
  gradWeight: TensorView<TypedArray>,
  attributes: Conv2dAttributes,
): void {
  const g = convGeometry(input.shape, gradWeight.shape, gradOutput.shape, attributes);
  const groups = attributes.groups;
  const inPerGroup = g.channels / groups,
    outPerGroup = g.outChannels / groups;
  const depth = inPerGroup * g.kernelHeight * g.kernelWidth,
    plane = g.outHeight * g.outWidth;
  const columns = columnBuffer(depth * plane);
  const gradW = gradWeight.handle as Float32Array | Float64Array;
  // The first image's product overwrites; with no images the gradient is zero, written here (the kernel sets all of it).
  if (g.batch === 0) gradW.fill(0, gradWeight.offset, gradWeight.offset + g.outChannels * depth);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < groups; group++) {
      im2col(input.handle, input.offset + n * g.channels * g.height * g.width, g, group * inPerGroup, inPerGroup, columns);
      gemm(
        outPerGroup,
        depth,
        plane,
        {
          data: gradOutput.handle,
          offset: gradOutput.offset + (n * g.outChannels + group * outPerGroup) * plane,
          rowStride: plane,
          columnStride: 1,
        },
        { data: columns, offset: 0, rowStride: 1, columnStride: plane },
        gradW,
        gradWeight.offset + group * outPerGroup * depth,
        depth,
        n > 0,
      );
    }
  }
}
