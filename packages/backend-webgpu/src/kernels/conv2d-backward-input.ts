import type { Conv2dAttributes } from '@lantern/tensor';
import type { GpuView } from '../layout.js';
import type { KernelRuntime } from '../runtime.js';
import { assertFloat32, convolutionAccessors, convolutionWords } from './conv-geometry.js';
import { runGemm } from './gemm.js';

const unitStrideTap = `let onGrid = rowSpan >= 0 && colSpan >= 0;
  let oh = rowSpan;
  let ow = colSpan;`;
const stridedTap = `let onGrid = rowSpan >= 0 && colSpan >= 0 && rowSpan % convStrideHeight() == 0 && colSpan % convStrideWidth() == 0;
  let oh = rowSpan / convStrideHeight();
  let ow = colSpan / convStrideWidth();`;

/**
 * dL/dinput as an implicit GEMM per group: weightᵀ [C/groups, O/groups·KH·KW] times a matrix whose entry for
 * (o, i, j) and input pixel (n, h, w) is the gradOutput element whose window put tap (i, j) on that pixel, or zero.
 * Gathering per input pixel (rather than scattering col2im-style) needs no atomics and is deterministic.
 */
export function conv2dBackwardInput(runtime: KernelRuntime) {
  return (gradOutput: GpuView, weight: GpuView, gradInput: GpuView, attributes: Conv2dAttributes): void => {
    assertFloat32(runtime, 'conv2dBackwardInput', [gradOutput, weight, gradInput]);
    const [batch, channels, height, width] = gradInput.shape as [number, number, number, number];
    const [outChannels, , kernelHeight, kernelWidth] = weight.shape as [number, number, number, number];
    const groups = attributes.groups;
    // With stride 1 every tap lands on the output grid: the shader skips the divisions a stride needs, which cost a
    // CPU driver eight scalar divisions per vector at every step of k.
    const unitStride = attributes.stride[0] === 1 && attributes.stride[1] === 1;
    const functions = `${convolutionAccessors}
fn loadA(group: u32, row: u32, k: u32, outChannel: u32, kernelRow: u32, kernelColumn: u32) -> T {
  let channel = i32(group) * convOutPerGroup() + i32(outChannel);
  let tap = i32(kernelRow) * convKernelWidth() + i32(kernelColumn);
  return weight[convOffsetWeight() + (channel * convInPerGroup() + i32(row)) * convKernelArea() + tap];
}
struct ColumnB { gradientBase: i32, rowSpan: i32, colSpan: i32 }
fn prepareB(group: u32, col: u32) -> ColumnB {
  let image = i32(col) / convInPlane();
  let pixel = i32(col) % convInPlane();
  let firstChannel = image * convOutChannels() + i32(group) * convOutPerGroup();
  return ColumnB(convOffsetOutput() + firstChannel * convOutPlane(), pixel / convWidth() + convPadHeight(), pixel % convWidth() + convPadWidth());
}
fn loadB(group: u32, outChannel: u32, kernelRow: u32, kernelColumn: u32, column: ColumnB) -> T {
  let rowSpan = column.rowSpan - i32(kernelRow) * convDilationHeight();
  let colSpan = column.colSpan - i32(kernelColumn) * convDilationWidth();
  ${unitStride ? unitStrideTap : stridedTap}
  let inside = onGrid && oh < convOutHeight() && ow < convOutWidth();
  let value = gradOutput[select(0, column.gradientBase + i32(outChannel) * convOutPlane() + oh * convOutWidth() + ow, inside)];
  return select(0.0, value, inside);
}
fn storeC(group: u32, row: u32, col: u32, value: T) {
  let image = i32(col) / convInPlane();
  let pixel = i32(col) % convInPlane();
  let plane = image * convChannels() + i32(group) * convInPerGroup() + i32(row);
  gradInput[convOffsetInput() + plane * convInPlane() + pixel] = value;
}`;
    runGemm(runtime, {
      key: `conv2dBackwardInput${unitStride ? ':unitStride' : ''}`,
      type: 'f32',
      declarations: [
        { name: 'gradOutput', type: 'f32', writable: false },
        { name: 'weight', type: 'f32', writable: false },
        { name: 'gradInput', type: 'f32', writable: true },
      ],
      bindings: [runtime.input(gradOutput), runtime.input(weight), runtime.output(gradInput)],
      functions,
      m: channels / groups,
      n: batch * height * width,
      kExtents: [outChannels / groups, kernelHeight, kernelWidth],
      batches: groups,
      words: convolutionWords(gradInput.shape, weight.shape, gradOutput.shape, attributes, {
        input: gradInput.offset,
        weight: weight.offset,
        output: gradOutput.offset,
      }),
    });
  };
}
