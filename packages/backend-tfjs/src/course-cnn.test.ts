import { registerCpuBackend } from '@lantern/backend-cpu';
import { createCourseCnn, randomBatch, trainStep } from '@lantern/conformance/course-cnn';
import { setBackend } from '@lantern/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTfjsBackend, tf } from './index.js';

await registerCpuBackend();

/** Losses of `steps` SGD steps of the course CNN on `backend`, from seed-determined weights and batches. */
function trainingLosses(backend: string, batchSize: number, steps: number): number[] {
  setBackend(backend);
  const model = createCourseCnn(0);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const batch = randomBatch(batchSize, 100 + step);
    const loss = trainStep(model, batch.images, batch.labels);
    losses.push(loss.item());
    for (const tensor of [loss, batch.images, batch.labels]) tensor.dispose();
  }
  for (const parameter of model.parameters) parameter.dispose();
  return losses;
}

describe('the course CNN on tfjs (cpu)', () => {
  beforeAll(async () => {
    await registerTfjsBackend({ tfjsBackend: 'cpu' });
  });

  it("trains with the same losses as Lantern's cpu backend (same weights and batches)", () => {
    const expected = trainingLosses('cpu', 3, 4);
    const actual = trainingLosses('tfjs', 3, 4);
    // The weights change between steps, so matching later losses means the gradients and the SGD step match too.
    expect(new Set(expected).size).toBe(4);
    for (const [step, loss] of actual.entries()) expect(loss, `step ${step}`).toBeCloseTo(expected[step]!, 4);
  });

  it('keeps tf.memory().numTensors flat across training steps', () => {
    setBackend('tfjs');
    const model = createCourseCnn(0);
    const batch = randomBatch(2);
    const step = () => trainStep(model, batch.images, batch.labels).dispose();
    step();
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      step();
      counts.push(tf.memory().numTensors);
    }
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
    // 10 parameters and a batch of 2 tensors, plus the cached view indices; nothing per step.
    expect(counts[0]).toBeLessThan(40);
  });
});
