import type { Conv2dAttributes, TensorView, TypedArray } from '@lantern/tensor';
import { gemm } from './gemm.js';
import { col2imAdd, columnBuffer, convGeometry } from './im2col.js';

/**
 * dL/dinput: per image and group, weightᵀ × gradOutput gives column gradients, folded back by col2im (which adds, so
 * gradInput is zeroed first: the kernel sets all of it, core's contract).
 */
export function conv2dBackwardInput(
  gradOutput: TensorView<TypedArray>,
  weight: TensorView<TypedArray>,
  gradInput: TensorView<TypedArray>,
  attributes: Conv2dAttributes,
): void {
  const g = convGeometry(gradInput.shape, weight.shape, gradOutput.shape, attributes);
  const groups = attributes.groups;
  const inPerGroup = g.channels / groups,
    outPerGroup = g.outChannels / groups;
  const depth = inPerGroup * g.kernelHeight * g.kernelWidth,
    plane = g.outHeight * g.outWidth;
  const columns = columnBuffer(depth * plane);
  const gradIn = gradInput.handle as Float32Array | Float64Array;
  gradIn.fill(0, gradInput.offset, gradInput.offset + g.batch * g.channels * g.height * g.width);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < groups; group++) {
      gemm(
        depth,
        plane,
        outPerGroup,
        { data: weight.handle, offset: weight.offset + group * outPerGroup * depth, rowStride: 1, columnStride: depth },
        {
          data: gradOutput.handle,
          offset: gradOutput.offset + (n * g.outChannels + group * outPerGroup) * plane,
          rowStride: plane,
          columnStride: 1,
        },
        columns,
        0,
        plane,
        false,
      );
      col2imAdd(columns, g, group * inPerGroup, inPerGroup, gradIn, gradInput.offset + n * g.channels * g.height * g.width);
    }
  }
}
