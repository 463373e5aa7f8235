import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { manualSeed, randn } from '@lantern/tensor';
import { afterAll, expect, it } from 'vitest';
import { exportOnnx } from '../index.js';
import { ModelProtoSchema } from '../proto/generated/onnx_pb.gen.js';
import { CourseNet, modelCases, warmBatchNorm } from '../testing/models.js';
import { onnxCheckerComplaint, pythonWithOnnx } from '../testing/runtime.js';

await registerCpuBackend();

// onnx's own checker (Debian's python3-onnx, onnx 1.12, which knows opsets up to 17) with full_check, which also runs
// strict shape inference. CI installs it and sets CI=true, so there a missing checker fails instead of skipping.
const python = pythonWithOnnx();
const required = process.env.CI === 'true';
const directory = mkdtempSync(join(tmpdir(), 'lantern-onnx-checker-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const title = python
  ? "onnx's checker (full_check=True) accepts every exported file, at opsets 13 and 17"
  : "onnx's checker accepts every exported file: SKIPPED, no python3 with the onnx package here (apt-get install python3-onnx)";

const checked = python || required ? it : it.skip;
const checker = (): string => {
  if (!python) throw new Error('CI=true but no python3 can import onnx: install python3-onnx (Debian) for this check');
  return python;
};

checked(title, async () => {
  const python = checker();
  manualSeed(13);
  for (const { name, build, inputShape } of modelCases) {
    const model = build();
    warmBatchNorm(model, inputShape);
    for (const opset of [13, 17]) {
      const path = join(directory, `${name.replace(' ', '-')}-opset${opset}.onnx`);
      writeFileSync(path, await exportOnnx(model, randn([2, ...inputShape]), { opset }));
      expect(onnxCheckerComplaint(python, path), `${name} at opset ${opset}`).toBeNull();
    }
  }
});

checked('the checker is a real judge: it rejects an exported file whose node reads a value nobody computes', async () => {
  const python = checker();
  const model = fromBinary(ModelProtoSchema, await exportOnnx(new CourseNet('course'), randn([1, 3, 32, 32])));
  model.graph!.node[1]!.input[0] = 'nowhere';
  const path = join(directory, 'dangling.onnx');
  writeFileSync(path, toBinary(ModelProtoSchema, model));
  expect(onnxCheckerComplaint(python, path)).toMatch(/nowhere/);
});
