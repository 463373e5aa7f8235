import { fromBinary } from '@bufbuild/protobuf';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { AdaptiveAvgPool2d, Conv2d, Flatten, Linear, Module, ReLU, Sequential } from '@lantern/nn';
import { manualSeed, noGrad, randn, type Tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../index.js';
import { ModelProtoSchema, type ValueInfoProto } from '../proto/generated/onnx_pb.gen.js';
import { CourseNet, warmBatchNorm } from '../testing/models.js';
import { compare, runInOnnxRuntime } from '../testing/runtime.js';

await registerCpuBackend();
// A second cpu backend without fast kernels: conv2d and pooling run as compositions of primitives there.
await registerCpuBackend({ name: 'cpu-compositions', fastKernels: false });

const dimsOf = (info: ValueInfoProto) =>
  info.type!.value.case === 'tensorType'
    ? info.type!.value.value.shape!.dim.map((dim) => (dim.value.case === 'dimParam' ? dim.value.value : Number(dim.value.value)))
    : [];

function graphOf(bytes: Uint8Array) {
  return fromBinary(ModelProtoSchema, bytes).graph!;
}

async function expectSame(model: Module<Tensor[], Tensor | Tensor[]>, bytes: Uint8Array, feeds: Record<string, Tensor>) {
  const outputs = [noGrad(() => model.eval()(...Object.values(feeds)))].flat();
  const results = Object.values(await runInOnnxRuntime(bytes, feeds));
  expect(results).toHaveLength(outputs.length);
  outputs.forEach((expected, index) => {
    expect(results[index]!.dims).toEqual(expected.shape);
    const { maxDifference, scale } = compare(results[index]!.data, expected.dataSync());
    expect(maxDifference).toBeLessThanOrEqual(1e-5 * Math.max(scale, 1e-3));
  });
}

describe('dynamic axes', () => {
  it('by default: axis 0 of the input and of the outputs that follow it is "batch"', async () => {
    const graph = graphOf(await exportOnnx(new Linear(4, 3), randn([2, 4])));
    expect(dimsOf(graph.input[0]!)).toEqual(['batch', 4]);
    expect(dimsOf(graph.output[0]!)).toEqual(['batch', 3]);
  });

  it('none with {}: every dim is fixed, and ONNX Runtime refuses another batch size', async () => {
    const model = new Linear(4, 3);
    const bytes = await exportOnnx(model, randn([2, 4]), { dynamicAxes: {} });
    expect(dimsOf(graphOf(bytes).input[0]!)).toEqual([2, 4]);
    await expectSame(model, bytes, { input: randn([2, 4]) });
    await expect(runInOnnxRuntime(bytes, { input: randn([3, 4]) })).rejects.toThrow(/dimension|Got invalid dimensions/i);
  });

  it('height and width too, for a fully convolutional net run at other image sizes', async () => {
    const model = new Sequential(
      new Conv2d(3, 4, 3, { padding: 1 }),
      new ReLU(),
      new AdaptiveAvgPool2d(1),
      new Flatten(),
      new Linear(4, 2),
    );
    const bytes = await exportOnnx(model, randn([1, 3, 8, 8]), {
      inputNames: ['image'],
      outputNames: ['logits'],
      dynamicAxes: { image: { 0: 'n', 2: 'height', 3: 'width' }, logits: { 0: 'n' } },
    });
    const graph = graphOf(bytes);
    expect(dimsOf(graph.input[0]!)).toEqual(['n', 3, 'height', 'width']);
    expect(dimsOf(graph.output[0]!)).toEqual(['n', 2]);
    expect(graph.node.map((node) => node.opType)).toEqual(['Conv', 'Relu', 'GlobalAveragePool', 'Flatten', 'Gemm']);
    await expectSame(model, bytes, { image: randn([2, 3, 20, 12]) });
    await expectSame(model, bytes, { image: randn([3, 3, 5, 9]) });
  });

  it('listed without names are named after their tensor, as PyTorch names them', async () => {
    const graph = graphOf(await exportOnnx(new Linear(4, 3), randn([2, 4]), { dynamicAxes: { input: [0], output: [0] } }));
    expect(dimsOf(graph.input[0]!)).toEqual(['input_dynamic_axes_0', 4]);
    expect(dimsOf(graph.output[0]!)).toEqual(['output_dynamic_axes_0', 3]);
  });
});

class TwoInTwoOut extends Module<[Tensor, Tensor], Tensor[]> {
  readonly scale: Tensor;
  constructor() {
    super();
    this.scale = this.registerBuffer('scale', randn([4]));
  }
  forward(a: Tensor, b: Tensor): Tensor[] {
    const sum = a.add(b).mul(this.scale);
    return [sum, a, sum];
  }
}

describe('inputs, outputs and buffers', () => {
  it('names several inputs and outputs; an output that is an input or repeated gets an Identity', async () => {
    const model = new TwoInTwoOut();
    const bytes = await exportOnnx(model, [randn([2, 4]), randn([2, 4])]);
    const graph = graphOf(bytes);
    expect(graph.input.map((input) => input.name)).toEqual(['input_0', 'input_1']);
    expect(graph.output.map((output) => output.name)).toEqual(['output_0', 'output_1', 'output_2']);
    expect(graph.initializer.map((initializer) => initializer.name)).toContain('scale');
    expect(graph.node.filter((node) => node.opType === 'Identity').map((node) => node.input[0])).toEqual(['input_0', 'output_0']);
    await expectSame(model, bytes, { input_0: randn([3, 4]), input_1: randn([3, 4]) });
  });
});

describe('backends', () => {
  it('records the same graph on any backend: one without fast kernels gives the same file', async () => {
    manualSeed(31);
    const model = new CourseNet('course-bn');
    warmBatchNorm(model, [3, 32, 32]);
    const example = randn([1, 3, 32, 32]);
    const onCpu = await exportOnnx(model, example);
    model.to('cpu-compositions');
    const elsewhere = await exportOnnx(model, example.to('cpu-compositions'));
    expect(elsewhere).toEqual(onCpu);
  });
});
