import { registerCpuBackend } from '@lantern/backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeConformance } from '@lantern/conformance';
import { createCourseCnn, randomBatch, trainStep } from '@lantern/conformance/course-cnn';
import { setBackend } from '@lantern/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerTfjsBackend, tf } from './index.js';

await registerCpuBackend();

// The adapter on tfjs's wasm backend (XNNPACK kernels; its .wasm file loads from node_modules, nothing downloads).
// This file runs in its own process: tfjs has one active backend per process.

const register = async () => {
  await registerTfjsBackend({ tfjsBackend: 'wasm', name: 'tfjs-wasm' });
};

describeConformance('tfjs-wasm', {
  exclude: { 'cast float32 to float64': 'float64 does not exist in TensorFlow.js' },
  setup: register,
});

describe('the course CNN on tfjs (wasm)', () => {
  afterEach(() => vi.restoreAllMocks());

  it("trains with the cpu backend's losses, entirely on tfjs kernels (no host fallback)", async () => {
    await register();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const losses = (backend: string) => {
      setBackend(backend);
      const model = createCourseCnn(0);
      return [0, 1, 2].map((step) => {
        const batch = randomBatch(2, 100 + step);
        return trainStep(model, batch.images, batch.labels).item();
      });
    };
    const expected = losses('cpu'),
      actual = losses('tfjs-wasm');
    for (const [step, loss] of actual.entries()) expect(loss, `step ${step}`).toBeCloseTo(expected[step]!, 4);
    // tfjs-wasm has no Conv2DBackpropFilter, but the weight gradient is a Conv2D here, so nothing is routed.
    expect(warn.mock.calls.filter((call) => String(call[0]).startsWith('@lantern/backend-tfjs'))).toEqual([]);
  });
});

// Canaries: the tfjs-wasm defects the adapter works around (quirks.ts). When one of these fails, tfjs fixed it and
// the workaround can go.
describe('tfjs-wasm 4.22 defects (still present)', () => {
  it('MaxPoolWithArgmax pools a window of negative values to FLT_MIN', async () => {
    await register();
    const { result } = tf.maxPoolWithArgmax(tf.tensor4d([-1, -2, -3, -4], [1, 2, 2, 1]), 2, 2, 'valid');
    expect(result!.dataSync()[0]).toBeCloseTo(1.1754943508222875e-38, 45);
  });

  it('BatchMatMul reuses a stale packing of its right operand for a reshape of the same data', async () => {
    await register();
    const b = tf.tensor1d([4, 5, 6]);
    tf.matMul(tf.tensor3d([1, 2, 3], [1, 1, 3]), tf.reshape(b, [1, 3, 1])).dispose();
    expect(Array.from(tf.matMul(tf.ones([1, 1, 1]), tf.reshape(b, [1, 1, 3])).dataSync())).not.toEqual([4, 5, 6]);
  });

  it('has no Conv2DBackpropFilter or LogSoftmax kernel', async () => {
    await register();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('LogSoftmax', 'wasm')).toBeUndefined();
  });
});
