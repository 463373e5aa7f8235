import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensorsFile } from '@lantern/nn/node';
import { noGrad, randn } from '@lantern/tensor';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './__fixtures__/checkpoint-support.js';
import { captureOutput } from './__fixtures__/cli-output.js';
import { runTrainer, syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { exportTrainedModel } from './export-onnx.js';
import { CourseNet, modelNames } from './model.js';

beforeAll(useCpuBackend);
const directory = mkdtempSync(join(tmpdir(), 'lantern-trainer-onnx-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe.each(modelNames)('--export-onnx with --model %s', (name) => {
  it('writes a file that ONNX Runtime runs at any batch size, giving the model’s logits', async () => {
    const model = new CourseNet(name);
    // Training-mode passes move BatchNorm's running statistics away from 0 and 1, as training does.
    noGrad(() => {
      for (let step = 0; step < 2; step++) model(randn([8, 3, 32, 32]).mul(2).add(1));
    });
    const path = join(directory, `${name}.onnx`);
    const size = await exportTrainedModel(model, path, { inputShape: [3, 32, 32] });
    expect(model.training).toBe(true); // exported in eval mode, given back in training mode
    const bytes = readFileSync(path);
    expect(bytes.byteLength).toBe(size);
    const session = await ort.InferenceSession.create(bytes);
    expect([session.inputNames, session.outputNames]).toEqual([['image'], ['logits']]);
    model.eval();
    for (const batch of [1, 5]) {
      const images = randn([batch, 3, 32, 32]);
      const expected = noGrad(() => model(images)).dataSync();
      const { logits } = await session.run({
        image: new ort.Tensor('float32', Float32Array.from(images.dataSync()), [batch, 3, 32, 32]),
      });
      expect(logits!.dims).toEqual([batch, 10]);
      const actual = logits!.data as Float32Array;
      const scale = Math.max(...Array.from(expected, Math.abs));
      const difference = Math.max(...Array.from(expected, (value, index) => Math.abs(value - actual[index]!)));
      expect(difference, `batch ${batch}: max difference ${difference}, output scale ${scale}`).toBeLessThanOrEqual(1e-5 * scale);
    }
    await session.release();
  });
});

describe('the --export-onnx flag', () => {
  const output = captureOutput();
  const workspace = syntheticWorkspace(['test']);

  it('writes the trained weights as ONNX after training, says so, and ONNX Runtime gives the saved model’s logits', async () => {
    const onnxPath = workspace.file('trained.onnx'),
      weightsPath = workspace.file('trained.safetensors');
    const flags = ['--limit', '8', '--batch-size', '4', '--epochs', '1', '--seed', '0', '--model', 'course-bn'];
    const run = await runTrainer(output, workspace, ...flags, '--save', weightsPath, '--export-onnx', onnxPath);
    expect(run.code, run.stderr).toBe(0);
    expect(run.notices).toContainEqual(expect.stringMatching(new RegExp(`^wrote ${onnxPath} \\(ONNX, \\d+ bytes\\)$`)));
    const model = new CourseNet('course-bn');
    model.loadStateDict((await loadSafetensorsFile(weightsPath)).tensors);
    model.eval();
    const images = randn([3, 3, 32, 32]);
    const expected = noGrad(() => model(images)).dataSync();
    const session = await ort.InferenceSession.create(readFileSync(onnxPath));
    const { logits } = await session.run({
      image: new ort.Tensor('float32', Float32Array.from(images.dataSync()), [3, 3, 32, 32]),
    });
    const actual = logits!.data as Float32Array;
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 5);
    await session.release();
  });

  it('refuses a path whose folder does not exist before training', async () => {
    const run = await runTrainer(output, workspace, '--limit', '4', '--export-onnx', workspace.file('missing/x.onnx'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--export-onnx');
  });
});
