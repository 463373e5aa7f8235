import type { Module } from '@lantern/nn';
// The trainer's models, from its source: its package entry also loads Node's file system and command line, which a
// page cannot, while src/model.ts needs only @lantern/nn. One definition, so weights move between page and trainer.
import { CourseNet, type ModelName } from '../../cifar-trainer/src/model.js';
import type { ModelChoice } from './protocol.js';

export { CourseNet };

// The page's model list (protocol.ts, which the page imports without pulling in @lantern/nn) must be the trainer's:
// this fails to compile when either side has a model the other lacks.
const sameModels: [ModelChoice] extends [ModelName] ? ([ModelName] extends [ModelChoice] ? true : false) : false = true;
void sameModels;

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

/**
 * The course CNN with a BatchNorm2d between each convolution and its ReLU (the trainer's `course-bn`). Each BatchNorm
 * adds a weight and a bias and three buffers under PyTorch's names: `running_mean`, `running_var` and
 * `num_batches_tracked` (`model1.1.running_mean` …), which the state dict and the safetensors file carry.
 */
export class CourseBatchNormNet extends CourseNet {
  constructor() {
    super('course-bn');
  }
}

export function createModel(choice: ModelChoice): Module {
  return new CourseNet(choice);
}
