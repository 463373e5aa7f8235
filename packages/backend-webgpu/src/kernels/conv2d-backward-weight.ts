import type { Conv2dAttributes } from '@lantern/tensor';
import type { GpuView } from '../layout.js';
import type { KernelRuntime } from '../runtime.js';
import { assertFloat32, convolutionAccessors, convolutionWords } from './conv-geometry.js';
import { runGemm } from './gemm.js';

/**
 * dL/dweight as an implicit GEMM per group: gradOutput [O/groups, N·OH·OW] times the im2col matrix transposed
 * [N·OH·OW, C/groups·KH·KW]. The output is small and k (every output pixel of the batch) long, so the GEMM splits k
 * across workgroups and sums the partial products (split-K).
 */
export function conv2dBackwardWeight(runtime: KernelRuntime) {
  return (gradOutput: GpuView, input: GpuView, gradWeight: GpuView, attributes: Conv2dAttributes): void => {
    assertFloat32(runtime, 'conv2dBackwardWeight', [gradOutput, input, gradWeight]);
    const [batch, , outHeight, outWidth] = gradOutput.shape as [number, number, number, number];
    const [outChannels, inPerGroup, kernelHeight, kernelWidth] = gradWeight.shape as [number, number, number, number];
    const groups = attributes.groups;
    const depth = inPerGroup * kernelHeight * kernelWidth;
    const functions = `${convolutionAccessors}
fn loadA(group: u32, row: u32, k: u32, image: u32, outRow: u32, outColumn: u32) -> T {
  let channel = i32(group) * convOutPerGroup() + i32(row);
  let position = i32(outRow) * convOutWidth() + i32(outColumn);
  return gradOutput[convOffsetOutput() + (i32(image) * convOutChannels() + channel) * convOutPlane() + position];
}
struct ColumnB { channelBase: i32, rowOffset: i32, colOffset: i32 }
fn prepareB(group: u32, col: u32) -> ColumnB {
  let channel = i32(group) * convInPerGroup() + i32(col) / convKernelArea();
  let tap = i32(col) % convKernelArea();
  return ColumnB(convOffsetInput() + channel * convInPlane(), (tap / convKernelWidth()) * convDilationHeight() - convPadHeight(),
    (tap % convKernelWidth()) * convDilationWidth() - convPadWidth());
}
fn loadB(group: u32, image: u32, outRow: u32, outColumn: u32, column: ColumnB) -> T {
  let h = i32(outRow) * convStrideHeight() + column.rowOffset;
  let w = i32(outColumn) * convStrideWidth() + column.colOffset;
  let inside = h >= 0 && h < convHeight() && w >= 0 && w < convWidth();
  let value = input[select(0, column.channelBase + i32(image) * convChannels() * convInPlane() + h * convWidth() + w, inside)];
  return select(0.0, value, inside);
}
fn storeC(group: u32, row: u32, col: u32, value: T) {
  let depth = convInPerGroup() * convKernelArea();
  gradWeight[convOffsetWeight() + (i32(group) * convOutPerGroup() + i32(row)) * depth + i32(col)] = value;
}`;
    runGemm(runtime, {
      key: 'conv2dBackwardWeight',
      type: 'f32',
      declarations: [
        { name: 'gradOutput', type: 'f32', writable: false },
        { name: 'input', type: 'f32', writable: false },
        { name: 'gradWeight', type: 'f32', writable: true },
      ],
      bindings: [runtime.input(gradOutput), runtime.input(input), runtime.output(gradWeight)],
      functions,
      m: outChannels / groups,
      n: depth,
      kExtents: [batch, outHeight, outWidth],
      batches: groups,
      words: convolutionWords(input.shape, gradWeight.shape, gradOutput.shape, attributes, {
        input: input.offset,
        weight: gradWeight.offset,
        output: gradOutput.offset,
      }),
      splitOutput: {
        ...gradWeight,
        shape: [groups, outChannels / groups, depth],
        strides: [(outChannels / groups) * depth, depth, 1],
      },
    });
  };
}
