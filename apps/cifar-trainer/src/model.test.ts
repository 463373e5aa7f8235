import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CrossEntropyLoss } from '@lantern/losses';
import { decodeSafetensors } from '@lantern/nn';
import { fromArray, manualSeed, type Tensor } from '@lantern/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './__fixtures__/checkpoint-support.js';
import { clipGradNorm_ } from './clip-grad-norm.js';
import { CourseNet, type ModelName, modelNames } from './model.js';

// Written by PyTorch 1.13 (reference/generate_fixtures.py, with the module trees of reference/models.py).
interface Values {
  shape: number[];
  data: number[];
}
interface Fingerprint {
  shape: number[];
  dtype: 'F32' | 'I64';
  sha256: string;
  sum: number;
}
const fixture = JSON.parse(await readFile(new URL('./__fixtures__/course-models.json', import.meta.url), 'utf8')) as {
  image: Values;
  target: number[];
  models: Record<ModelName, { initial: Record<string, Fingerprint>; freshOutput: Values; trained?: Record<string, Values> }>;
  clipGradNorm: Array<{
    maxNorm: number;
    totalNorm: number;
    gradients: Record<string, Values>;
    gradientNorms: Record<string, number>;
  }>;
};

const image = () => fromArray(Float32Array.from(fixture.image.data), fixture.image.shape, 'float32');

function expectClose(actual: ArrayLike<number>, expected: Values | number[], tolerance = 1e-5) {
  const values = Array.isArray(expected) ? expected : expected.data;
  expect(actual.length).toBe(values.length);
  const scale = Math.max(1, ...values.map(Math.abs));
  for (const [index, value] of values.entries()) expect(Math.abs(actual[index]! - value)).toBeLessThanOrEqual(tolerance * scale);
}

beforeAll(useCpuBackend);

describe.each(modelNames)('--model %s', (name) => {
  const expected = fixture.models[name];

  it("has PyTorch's state-dict keys, shapes and, after manualSeed(0), PyTorch's initial values bit for bit", async () => {
    manualSeed(0);
    const state = new CourseNet(name).stateDict();
    expect(Object.keys(state)).toEqual(Object.keys(expected.initial));
    for (const [key, tensor] of Object.entries(state)) {
      const reference = expected.initial[key]!;
      expect(tensor.shape, key).toEqual(reference.shape);
      const values = await tensor.data();
      if (reference.dtype === 'I64') {
        // num_batches_tracked: PyTorch's int64, Lantern's int32 (safetensors I64 loads as int32).
        expect([tensor.dtype, Array.from(values).reduce((sum, value) => sum + value, 0)], key).toEqual(['int32', reference.sum]);
      } else {
        const digest = createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
        expect(digest.digest('hex'), key).toBe(reference.sha256);
      }
    }
  });

  it("computes PyTorch's output for an image", () => {
    manualSeed(0);
    expectClose((new CourseNet(name)(image()) as Tensor).dataSync(), expected.freshOutput);
  });
});

it("--model course-bn loads a PyTorch state dict (running statistics, int64 num_batches_tracked) and computes PyTorch's outputs", async () => {
  const file = await readFile(new URL('./__fixtures__/course-bn.safetensors', import.meta.url));
  const model = new CourseNet('course-bn');
  model.loadStateDict(decodeSafetensors(new Uint8Array(file)).tensors);
  const trained = fixture.models['course-bn'].trained!;
  model.eval();
  expectClose((model(image()) as Tensor).dataSync(), trained.evalOutput!);
  model.train();
  expectClose((model(image()) as Tensor).dataSync(), trained.trainOutput!);
});

describe('clipGradNorm_ (torch.nn.utils.clip_grad_norm_)', () => {
  it.each(fixture.clipGradNorm)('max norm $maxNorm: the total norm and the gradients after it, as PyTorch', (reference) => {
    manualSeed(0);
    const model = new CourseNet('course');
    new CrossEntropyLoss()(model(image()) as Tensor, fromArray(Int32Array.from(fixture.target), [1], 'int32')).backward();
    const total = clipGradNorm_(model.parameters(), reference.maxNorm);
    expectClose(total!.dataSync(), [reference.totalNorm]);
    for (const [key, parameter] of model.namedParameters()) {
      const gradient = parameter.grad!;
      expectClose(gradient.square().sum().sqrt().dataSync(), [reference.gradientNorms[key]!]);
      if (reference.gradients[key]) expectClose(gradient.dataSync(), reference.gradients[key]!);
    }
  });

  it('without gradients: nothing to clip, no norm', () => {
    expect(clipGradNorm_(new CourseNet().parameters(), 1)).toBeUndefined();
  });
});
