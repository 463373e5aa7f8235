import '@lantern/backend-cpu';
import { randn } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
// The trainer ships no entry for its model alone (its package entry starts the CLI's imports), so the test reads its
// source: the one place that holds the two definitions together.
import { CourseNet as TrainerCourseNet } from '../../cifar-trainer/src/model.js';
import { CourseNet, CourseReluNet } from './models.js';

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

  it('both map a batch of 32×32 images to 10 class scores', () => {
    for (const model of [new CourseNet(), new CourseReluNet()]) expect(model(randn([2, 3, 32, 32])).shape).toEqual([2, 10]);
  });
});
