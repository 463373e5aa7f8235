import { setBackend, tensor, tidy } from '@lantern/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTfjsBackend, registerTfjsBackend, tf } from './index.js';

describe('tfjs memory', () => {
  beforeAll(async () => {
    await registerTfjsBackend({ tfjsBackend: 'cpu' });
    setBackend('tfjs');
  });

  it('creates no tfjs tensor for a storage until it is used, and free() disposes it', () => {
    const backend = createTfjsBackend();
    const before = tf.memory().numTensors;
    const storage = backend.allocate(6, 'float32');
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(backend.readSync!(storage, 'float32', 0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    backend.write(storage, new Float32Array([1, 2]), 3);
    expect(Array.from(backend.readSync!(storage, 'float32', 0, 6))).toEqual([0, 0, 0, 1, 2, 0]);
    expect(tf.memory().numTensors).toBe(before + 1);
    backend.free(storage);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposes the tfjs tensor when the last Lantern tensor over a storage is disposed', () => {
    const before = tf.memory().numTensors;
    const x = tensor([1, 2, 3, 4]);
    const view = x.flip(0);
    expect(tf.memory().numTensors).toBe(before + 1);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before + 1);
    view.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves no tfjs tensor behind from the intermediates of a tidy() computation', () => {
    const x = tensor(
      [
        [1, -2, 3],
        [4, 5, -6],
      ],
      { requiresGrad: true },
    );
    const before = tf.memory().numTensors;
    const total = tidy(() => {
      const y = x.t().relu().softmax(0).mul(x.sum(1)).sum();
      y.backward();
      return y;
    });
    // The result and x.grad survive (backward keeps gradients out of tidy); everything else is gone.
    expect(tf.memory().numTensors).toBe(before + 2);
    total.dispose();
    x.grad!.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("hands out copies on read, never tfjs's own backing array", () => {
    const x = tensor([1, 2, 3]);
    const values = x.dataSync();
    values[0] = 100;
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
  });
});
