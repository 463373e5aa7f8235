import { fromBinary } from '@bufbuild/protobuf';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { manualSeed, randn } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../index.js';
import { ModelProtoSchema } from '../proto/generated/onnx_pb.gen.js';
import { EveryOpNet, MoreOpsNet, modelCases, warmBatchNorm } from '../testing/models.js';
import { compare, lanternOutput, runInOnnxRuntime } from '../testing/runtime.js';

await registerCpuBackend();

// The bar: ONNX Runtime's output for the exported file is Lantern's own within 1e-5 of the output's scale,
// at two batch sizes, neither of them the example's (so the batch dimension really varies).
async function expectRuntimeMatches(
  model: ReturnType<(typeof modelCases)[number]['build']>,
  inputShape: readonly number[],
  bytes: Uint8Array,
) {
  for (const batch of [1, 7]) {
    const input = randn([batch, ...inputShape]);
    const expected = lanternOutput(model, input);
    const { output } = await runInOnnxRuntime(bytes, { input });
    expect(output!.dims).toEqual(expected.shape);
    const { maxDifference, scale } = compare(output!.data, expected.dataSync());
    expect(scale).toBeGreaterThan(0);
    expect(maxDifference, `batch ${batch}: max difference ${maxDifference} at output scale ${scale}`).toBeLessThanOrEqual(
      1e-5 * scale,
    );
  }
}

describe.each(modelCases)('$name, exported and run in ONNX Runtime', ({ build, inputShape }) => {
  it('gives Lantern’s outputs at batch sizes 1 and 7 (exported at 2)', async () => {
    manualSeed(11);
    const model = build();
    warmBatchNorm(model, inputShape);
    const bytes = await exportOnnx(model, randn([2, ...inputShape]));
    await expectRuntimeMatches(model, inputShape, bytes);
  });

  it('keeps every weight and running statistic as an initializer under its PyTorch name', async () => {
    const model = build();
    const bytes = await exportOnnx(model, randn([1, ...inputShape]));
    const names = fromBinary(ModelProtoSchema, bytes).graph!.initializer.map((initializer) => initializer.name);
    const stateDictKeys = Object.keys(model.stateDict()).filter((key) => !key.endsWith('num_batches_tracked'));
    expect(names.filter((name) => !name.startsWith('/')).sort()).toEqual(stateDictKeys.sort());
  });
});

describe('the every-op model', () => {
  it('exports each op the issue lists as its ONNX operator', async () => {
    const bytes = await exportOnnx(new EveryOpNet(), randn([1, 3, 16, 16]));
    const nodes = fromBinary(ModelProtoSchema, bytes).graph!.node;
    const types = new Set(nodes.map((node) => node.opType));
    const listed = 'Conv MaxPool AveragePool Flatten Reshape Gemm MatMul Add Relu Sigmoid Tanh Erf LeakyRelu Softmax LogSoftmax';
    for (const opType of `${listed} BatchNormalization Sub Mul Div Concat Transpose`.split(' '))
      expect(types, opType).toContain(opType);
    const convAttributes = nodes
      .filter((node) => node.opType === 'Conv')
      .map((node) =>
        Object.fromEntries(node.attribute.map((entry) => [entry.name, entry.ints.map(Number).join(',') || Number(entry.i)])),
      );
    expect(convAttributes).toContainEqual(expect.objectContaining({ dilations: '2,2', group: 4, pads: '2,2,2,2' }));
    expect(convAttributes).toContainEqual(expect.objectContaining({ strides: '2,2', pads: '1,1,1,1' }));
    // padding 'same' with an even kernel: one more after than before, as PyTorch pads it.
    expect(convAttributes).toContainEqual(expect.objectContaining({ kernel_shape: '4,4', pads: '1,1,2,2' }));
  });

  it.each([13, 17, 20, 21])('runs in ONNX Runtime at opset %i', async (opset) => {
    manualSeed(12);
    const model = new EveryOpNet();
    warmBatchNorm(model, [3, 16, 16]);
    const bytes = await exportOnnx(model, randn([2, 3, 16, 16]), { opset });
    const types = new Set(fromBinary(ModelProtoSchema, bytes).graph!.node.map((node) => node.opType));
    // GELU is an operator from opset 20 on; before, it is written out with Erf (and Tanh for the approximation).
    expect(types.has('Gelu')).toBe(opset >= 20);
    await expectRuntimeMatches(model, [3, 16, 16], bytes);
  });
});

describe('the more-ops model', () => {
  it('exports the other mapped ops as their ONNX operators', async () => {
    const bytes = await exportOnnx(new MoreOpsNet(), randn([2, 4, 6]));
    const types = new Set(fromBinary(ModelProtoSchema, bytes).graph!.node.map((node) => node.opType));
    const expected =
      'Abs And Cast Ceil Clip Cos Equal Exp Expand Floor Greater GreaterOrEqual Less LessOrEqual Log Max Min Neg Not Or Pow';
    for (const opType of `${expected} Reciprocal ReduceMean ReduceSum Sign Sin Sqrt Squeeze Unsqueeze Where Erf`.split(' ')) {
      expect(types, opType).toContain(opType);
    }
  });

  // ReduceMean takes its axes as an input from opset 18 on, and as an attribute before.
  it.each([13, 17, 18])('runs in ONNX Runtime at opset %i', async (opset) => {
    manualSeed(14);
    const model = new MoreOpsNet();
    await expectRuntimeMatches(model, [4, 6], await exportOnnx(model, randn([2, 4, 6]), { opset }));
  });
});
