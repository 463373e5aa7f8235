import { readFileSync } from 'node:fs';
import { create, toBinary } from '@bufbuild/protobuf';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { fromArray, manualSeed, noGrad, randn, type Tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx, OnnxImportError } from '../index.js';
import { ModelProtoSchema } from '../proto/generated/onnx_pb.gen.js';
import { modelCases, warmBatchNorm } from '../testing/models.js';
import { compare, lanternOutput, runInOnnxRuntime } from '../testing/runtime.js';

await registerCpuBackend();

const withinScale = (actual: Tensor | Float32Array, expected: Tensor | ArrayLike<number>) => {
  const { maxDifference, scale } = compare(
    'dataSync' in actual ? actual.dataSync() : actual,
    'dataSync' in expected ? (expected as Tensor).dataSync() : expected,
  );
  expect(scale).toBeGreaterThan(0);
  expect(maxDifference).toBeLessThanOrEqual(1e-5 * scale);
};

describe.each(modelCases)('$name, exported and imported back', ({ build, inputShape }) => {
  it('computes what the original computes, and its state dict loads back into the original', async () => {
    manualSeed(21);
    const original = build();
    warmBatchNorm(original, inputShape);
    const imported = importOnnx(await exportOnnx(original, randn([1, ...inputShape])));
    const input = randn([3, ...inputShape]);
    withinScale(
      noGrad(() => imported(input) as Tensor),
      lanternOutput(original, input),
    );

    const stateDict = imported.stateDict();
    const originalKeys = Object.keys(original.stateDict()).filter((key) => !key.endsWith('num_batches_tracked'));
    expect(Object.keys(stateDict).sort()).toEqual(originalKeys.sort());
    const fresh = build();
    expect(
      fresh.loadStateDict(stateDict, { strict: false }).missingKeys.every((key) => key.endsWith('num_batches_tracked')),
    ).toBe(true);
    withinScale(lanternOutput(fresh, input), lanternOutput(original, input));
  });
});

describe('a model PyTorch exported (torch.onnx.export, opset 13)', () => {
  const bytes = new Uint8Array(readFileSync(new URL('../__fixtures__/torch-small-cnn.onnx', import.meta.url)));
  const fixture = JSON.parse(readFileSync(new URL('../__fixtures__/torch-small-cnn.json', import.meta.url), 'utf8')) as {
    image: { shape: number[]; data: number[] };
    output: { shape: number[]; data: number[] };
  };
  const image = fromArray(Float32Array.from(fixture.image.data), fixture.image.shape, 'float32');

  it("runs in Lantern and gives PyTorch's output (folded BatchNorm, Constant nodes, GELU written out)", () => {
    const model = importOnnx(bytes);
    expect([model.inputNames, model.outputNames]).toEqual([['image'], ['log_probabilities']]);
    const output = noGrad(() => model(image) as Tensor);
    expect(output.shape).toEqual(fixture.output.shape);
    withinScale(output, fixture.output.data);
  });

  it('is what ONNX Runtime computes from it too (the fixture is sound)', async () => {
    const { log_probabilities } = await runInOnnxRuntime(bytes, { image });
    withinScale(log_probabilities!.data, fixture.output.data);
  });
});

describe('what importOnnx refuses', () => {
  it('bytes that are not an ONNX model', () => {
    expect(() => importOnnx(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(OnnxImportError);
  });

  it('operators it does not map, and opsets before 13, naming them', () => {
    const model = (opType: string, opset: number) =>
      toBinary(
        ModelProtoSchema,
        create(ModelProtoSchema, {
          irVersion: 8n,
          opsetImport: [{ domain: '', version: BigInt(opset) }],
          graph: {
            name: 'g',
            node: [{ name: 'cell', opType, input: ['x'], output: ['y'] }],
            input: [{ name: 'x' }],
            output: [{ name: 'y' }],
          },
        }),
      );
    expect(() => importOnnx(model('LSTM', 17))).toThrow(/node 'cell': operator LSTM is not supported/);
    expect(() => importOnnx(model('Relu', 11))).toThrow(/opset 11: importOnnx reads opset 13 and later/);
    expect(noGrad(() => (importOnnx(model('Relu', 17))(randn([4]).neg().abs().neg()) as Tensor).toArray())).toEqual([0, 0, 0, 0]);
  });
});
