import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { Linear, ReLU, Sequential } from '@lantern/nn';
import { noGrad, randn, type Tensor } from '@lantern/tensor';
import { afterAll, expect, it } from 'vitest';
import { exportOnnxFile, importOnnxFile } from './node.js';

await registerCpuBackend();
const directory = mkdtempSync(join(tmpdir(), 'lantern-onnx-node-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it('exportOnnxFile writes the bytes it returns, and importOnnxFile reads the model back', async () => {
  const model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
  const path = join(directory, 'model.onnx');
  const bytes = await exportOnnxFile(model, randn([1, 3]), path);
  expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
  const imported = await importOnnxFile(path);
  const input = randn([5, 3]);
  expect(noGrad(() => (imported(input) as Tensor).toArray())).toEqual(noGrad(() => model(input).toArray()));
});
