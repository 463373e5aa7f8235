import type { Conv2dAttributes } from '@lantern/tensor';
import type { GpuView } from '../layout.js';
import type { KernelRuntime } from '../runtime.js';
import { assertFloat32, convolutionAccessors, convolutionWords } from './conv-geometry.js';
import { runGemm } from './gemm.js';

/**
 * conv2d forward as an implicit GEMM per group: weight rows [O/groups, C/groups·KH·KW] times the im2col matrix
 * [C/groups·KH·KW, N·OH·OW], whose entries loadB computes from the input on the fly (zero in the padding). The batch
 * is folded into the columns so even batch 1 fills many tiles; the bias is added in the store.
 */
export function conv2d(runtime: KernelRuntime) {
  return (input: GpuView, weight: GpuView, bias: GpuView | null, output: GpuView, attributes: Conv2dAttributes): void => {
    assertFloat32(runtime, 'conv2d', [input, weight, bias, output]);
    const [batch, , outHeight, outWidth] = output.shape as [number, number, number, number];
    const [outChannels, inPerGroup, kernelHeight, kernelWidth] = weight.shape as [number, number, number, number];
    const groups = attributes.groups;
    const functions = `${convolutionAccessors}
fn loadA(group: u32, row: u32, k: u32, channel: u32, kernelRow: u32, kernelColumn: u32) -> T {
  let depth = convInPerGroup() * convKernelArea();
  return weight[convOffsetWeight() + (i32(group) * convOutPerGroup() + i32(row)) * depth + i32(k)];
}
struct ColumnB { imageBase: i32, top: i32, left: i32 }
fn prepareB(group: u32, col: u32) -> ColumnB {
  let image = i32(col) / convOutPlane();
  let position = i32(col) % convOutPlane();
  let firstChannel = image * convChannels() + i32(group) * convInPerGroup();
  return ColumnB(convOffsetInput() + firstChannel * convInPlane(),
    (position / convOutWidth()) * convStrideHeight() - convPadHeight(), (position % convOutWidth()) * convStrideWidth() - convPadWidth());
}
fn loadB(group: u32, channel: u32, kernelRow: u32, kernelColumn: u32, column: ColumnB) -> T {
  let h = column.top + i32(kernelRow) * convDilationHeight();
  let w = column.left + i32(kernelColumn) * convDilationWidth();
  // Padding reads index 0 and is replaced by zero: a select, not a branch, keeps the loop straight-line.
  let inside = h >= 0 && h < convHeight() && w >= 0 && w < convWidth();
  let value = input[select(0, column.imageBase + i32(channel) * convInPlane() + h * convWidth() + w, inside)];
  return select(0.0, value, inside);
}
fn storeC(group: u32, row: u32, col: u32, value: T) {
  let channel = i32(group) * convOutPerGroup() + i32(row);
  let image = i32(col) / convOutPlane();
  let position = i32(col) % convOutPlane();
  output[convOffsetOutput() + (image * convOutChannels() + channel) * convOutPlane() + position] = value${bias ? ' + bias[convOffsetBias() + channel]' : ''};
}`;
    const declarations = [
      { name: 'input', type: 'f32', writable: false },
      { name: 'weight', type: 'f32', writable: false },
      ...(bias ? [{ name: 'bias', type: 'f32', writable: false }] : []),
      { name: 'output', type: 'f32', writable: true },
    ];
    const bindings = [
      runtime.input(input),
      runtime.input(weight),
      ...(bias ? [runtime.input(bias)] : []),
      runtime.output(output),
    ];
    runGemm(runtime, {
      key: `conv2d${bias ? ':bias' : ''}`,
      type: 'f32',
      declarations,
      bindings,
      functions,
      m: outChannels / groups,
      n: batch * outHeight * outWidth,
      kExtents: [inPerGroup, kernelHeight, kernelWidth],
      batches: groups,
      words: convolutionWords(input.shape, weight.shape, output.shape, attributes, {
        input: input.offset,
        weight: weight.offset,
        output: output.offset,
        bias: bias?.offset,
      }),
    });
  };
}
