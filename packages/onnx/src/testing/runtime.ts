// Test support (not exported from the package): ONNX Runtime as the judge of exported files, and onnx's checker.
import { spawnSync } from 'node:child_process';
import type { AnyModule } from '@lantern/nn';
import { noGrad, type Tensor } from '@lantern/tensor';
import * as ort from 'onnxruntime-node';

/** Runs an exported model in ONNX Runtime (CPU) on Lantern tensors; returns each output's dims and values. */
export async function runInOnnxRuntime(
  bytes: Uint8Array,
  feeds: Readonly<Record<string, Tensor>>,
): Promise<Record<string, { dims: readonly number[]; data: Float32Array }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) {
      inputs[name] = new ort.Tensor('float32', Float32Array.from(tensor.dataSync()), [...tensor.shape]);
    }
    const results = await session.run(inputs);
    return Object.fromEntries(
      Object.entries(results).map(([name, value]) => [name, { dims: value.dims, data: value.data as Float32Array }]),
    );
  } finally {
    await session.release();
  }
}

/** Lantern's own output for the same input, in eval mode and without autograd. */
export function lanternOutput(module: AnyModule, input: Tensor): Tensor {
  module.eval();
  return noGrad(() => module(input) as Tensor);
}

/** max |a - b| over all elements, and the output scale max |expected| it is judged against. */
export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>): { maxDifference: number; scale: number } {
  if (actual.length !== expected.length) throw new Error(`lengths differ: ${actual.length} and ${expected.length}`);
  let maxDifference = 0,
    scale = 0;
  for (let index = 0; index < expected.length; index++) {
    maxDifference = Math.max(maxDifference, Math.abs(actual[index]! - expected[index]!));
    scale = Math.max(scale, Math.abs(expected[index]!));
  }
  return { maxDifference, scale };
}

const checkerScript = 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)';

/** The Python that has the onnx package: Debian's python3-onnx lives in /usr/bin/python3, not in a pyenv or venv. */
export function pythonWithOnnx(): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import onnx'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return null;
}

/** Runs onnx.checker.check_model(full_check=True) on a file; returns the checker's complaint, or null if it accepts. */
export function onnxCheckerComplaint(python: string, path: string): string | null {
  const run = spawnSync(python, ['-c', checkerScript, path], { encoding: 'utf8' });
  return run.status === 0 ? null : `${run.stderr}${run.stdout}`.trim() || `exit status ${run.status}`;
}
