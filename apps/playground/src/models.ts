import type { Module } from '@lantern/nn';
// The trainer's models, from its source: its package entry also loads Node's file system and command line, which a
// page cannot, while src/model.ts needs only @lantern/nn. One definition, so weights move between page and trainer.
import { CourseNet } from '../../cifar-trainer/src/model.js';
import type { ModelChoice } from './protocol.js';

export { CourseNet };

/**
 * The course CNN with a ReLU after each convolution and after the hidden Linear (the trainer's `course-relu`): the
 * same parameters, but the ReLUs take places in the Sequential, so its keys are `model1.0`, `model1.3`, `model1.6`,
 * `model1.10`, `model1.12` (what PyTorch gives the same Sequential).
 */
export class CourseReluNet extends CourseNet {
  constructor() {
    super('course-relu');
  }
}

export function createModel(choice: ModelChoice): Module {
  return new CourseNet(choice);
}
