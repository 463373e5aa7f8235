import { registerCpuBackend } from '@lantern/backend-cpu';
import { randn } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
// The trainer ships no entry for its model alone (its package entry starts the CLI's imports), so the test reads its
// source: the one place that holds the two definitions together.
import { modelNames, CourseNet as TrainerCourseNet } from '../../cifar-trainer/src/model.js';
import { CourseBatchNormNet, CourseNet, CourseReluNet, createModel } from './models.js';
import { modelChoices } from './protocol.js';

await registerCpuBackend();

const layout = (model: { stateDict(): Record<string, { shape: readonly number[] }> }) =>
  Object.entries(model.stateDict()).map(([name, tensor]) => [name, [...tensor.shape]]);

describe('the playground models', () => {
  it("CourseNet has the trainer's state-dict names and shapes, so weights move between them", () => {
    expect(layout(new CourseNet())).toEqual(layout(new TrainerCourseNet()));
    expect(layout(new CourseNet())[0]).toEqual(['model1.0.weight', [32, 3, 5, 5]]);
  });

  it('the ReLU variant has the same parameters under the indices PyTorch gives its Sequential', () => {
    const relu = layout(new CourseReluNet());
    expect(relu.map(([name]) => name)).toEqual(
      ['0', '3', '6', '10', '12'].flatMap((index) => [`model1.${index}.weight`, `model1.${index}.bias`]),
    );
    expect(relu.map(([, shape]) => shape)).toEqual(layout(new CourseNet()).map(([, shape]) => shape));
  });

  it("the BatchNorm variant adds a BatchNorm2d after each convolution, its buffers under PyTorch's names", () => {
    const batchNorm = layout(new CourseBatchNormNet());
    expect(batchNorm).toEqual(layout(new TrainerCourseNet('course-bn')));
    const norms = ['1', '5', '9'].map((index) => `model1.${index}`);
    expect(batchNorm.filter(([name]) => norms.some((norm) => (name as string).startsWith(`${norm}.`)))).toEqual(
      norms.flatMap((norm, block) => {
        const channels = [32, 32, 64][block]!;
        return [
          [`${norm}.weight`, [channels]],
          [`${norm}.bias`, [channels]],
          [`${norm}.running_mean`, [channels]],
          [`${norm}.running_var`, [channels]],
          [`${norm}.num_batches_tracked`, []],
        ];
      }),
    );
    // The convolutions and linears keep their shapes, at the indices PyTorch gives the longer Sequential.
    expect(batchNorm.find(([name]) => name === 'model1.13.weight')).toEqual(['model1.13.weight', [64, 1024]]);
    expect(batchNorm.find(([name]) => name === 'model1.15.bias')).toEqual(['model1.15.bias', [10]]);
  });

  it("offers the trainer's models, in its order", () => {
    expect([...modelChoices]).toEqual([...modelNames]);
    for (const choice of modelChoices) expect(layout(createModel(choice))).toEqual(layout(new TrainerCourseNet(choice)));
  });

  it('all three map a batch of 32×32 images to 10 class scores', () => {
    for (const model of [new CourseNet(), new CourseReluNet(), new CourseBatchNormNet()])
      expect(model(randn([2, 3, 32, 32])).shape).toEqual([2, 10]);
  });
});
