import { registerCpuBackend } from '@lantern/backend-cpu';
import { syntheticCIFAR10Batch } from '@lantern/data/node';
import { decodeSafetensors } from '@lantern/nn';
import { randn, type Tensor } from '@lantern/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { CourseNet } from './models.js';
import type { TrainingConfig, WorkerToPage } from './protocol.js';
import { TrainingSession } from './session.js';
import { slice, splitBatches } from './splits.js';
import { evaluate } from './training.js';

await registerCpuBackend();

// The worker's session in Node, on the cpu backend, posting to an array instead of the page: the course-bn model from
// data to a safetensors file that Node loads into the trainer's CourseNet, and back into the session.
const config: TrainingConfig = {
  model: 'course-bn',
  optimizer: 'sgd',
  lr: 0.01,
  momentum: 0.9,
  batchSize: 16,
  epochs: 1,
  trainLimit: 48,
  testLimit: 16,
  backend: 'cpu',
  threads: 1,
  seed: 0,
};

function recordingSession() {
  const posted: WorkerToPage[] = [];
  const session = new TrainingSession((message) => posted.push(message));
  const find = <Type extends WorkerToPage['type']>(type: Type) =>
    posted.filter((message): message is Extract<WorkerToPage, { type: Type }> => message.type === type);
  return { session, posted, find };
}

describe('TrainingSession with the BatchNorm model', () => {
  let batch: Uint8Array;
  beforeAll(() => {
    batch = syntheticCIFAR10Batch(0, 0);
  });

  it('trains course-bn, saves its parameters and running statistics with PyTorch names, and loads them back', async () => {
    const { session, find } = recordingSession();
    await session.loadData(async () => [{ name: 'data_batch_1.bin', blob: new Blob([batch as BlobPart]) }]);
    await session.start(config);
    expect(find('problem')).toEqual([]);
    expect(find('state').at(-1)?.state).toBe('finished');
    expect(find('epoch').map((epoch) => epoch.testImages)).toEqual([16]);

    await session.saveWeights();
    const [weights] = find('weights');
    expect(weights?.fileName).toBe('lantern-course-bn.safetensors');
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(weights!.bytes), { backend: 'cpu' });
    expect(metadata).toEqual({ format: 'pt', model: 'course-bn' });
    for (const norm of ['model1.1', 'model1.5', 'model1.9']) {
      expect(tensors[`${norm}.running_mean`]?.shape).toEqual([norm === 'model1.9' ? 64 : 32]);
      expect(tensors[`${norm}.running_var`]?.shape).toEqual([norm === 'model1.9' ? 64 : 32]);
      // Three training steps (48 images in batches of 16); evaluation counts none.
      expect(tensors[`${norm}.num_batches_tracked`]?.item()).toBe(3);
    }
    expect(weights!.summary.map((entry) => entry.name).sort()).toEqual(Object.keys(tensors).sort());

    // In Node, into the trainer's model: every key fits, and eval mode uses the saved running statistics.
    const model = new CourseNet('course-bn');
    expect(model.loadStateDict(tensors)).toMatchObject({ missingKeys: [], unexpectedKeys: [] });
    const runningMean = (model.getSubmodule('model1.1') as unknown as { runningMean: Tensor }).runningMean;
    expect(Array.from(await runningMean.data())).toEqual(Array.from(await tensors['model1.1.running_mean']!.data()));
    model.eval();
    expect(model(randn([2, 3, 32, 32])).shape).toEqual([2, 10]);

    // Back into a fresh session: accepted for course-bn, refused (in words) for the course CNN.
    const fresh = recordingSession();
    await fresh.session.loadData(async () => [{ name: 'data_batch_1.bin', blob: new Blob([batch as BlobPart]) }]);
    await fresh.session.loadWeights('lantern-course-bn.safetensors', new Uint8Array(weights!.bytes), {
      ...config,
      model: 'course',
    });
    expect(fresh.find('problem').map(({ problem }) => problem.what)).toEqual([
      expect.stringMatching(/^Those weights do not fit the chosen model: /),
    ]);
    await fresh.session.loadWeights('lantern-course-bn.safetensors', new Uint8Array(weights!.bytes), config);
    expect(fresh.find('weights-loaded')).toEqual([
      { type: 'weights-loaded', name: 'lantern-course-bn.safetensors', tensors: Object.keys(tensors).length },
    ]);
    await fresh.session.evaluate(config);
    expect(fresh.find('problem')).toHaveLength(1);
    // The same 16 test images, the same weights and statistics: the page's evaluation is Node's, to the image.
    const testImages = slice(splitBatches([{ name: 'data_batch_1.bin', bytes: batch }]).test, 0, 16);
    const accuracy = await evaluate(model, testImages);
    expect(fresh.find('evaluation')).toEqual([{ type: 'evaluation', accuracy, testImages: 16 }]);
    await session.evaluate(config);
    expect(find('evaluation')).toEqual([{ type: 'evaluation', accuracy, testImages: 16 }]);
    expect(fresh.find('notice').map((notice) => notice.text)).toEqual([
      'Starting from the weights in lantern-course-bn.safetensors.',
    ]);
  }, 60_000);
});
