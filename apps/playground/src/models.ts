import { Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential } from '@lantern/nn';
import type { Tensor } from '@lantern/tensor';
import type { ModelChoice } from './protocol.js';

/**
 * The course's CNN, as the trainer has it (apps/cifar-trainer's CourseNet; the trainer's entry also loads Node's file
 * system and command line, so the page cannot import it): three 5×5 convolutions with 2×2 max-pooling, Linear
 * 1024→64→10, no activations. The Sequential is `model1`, so state-dict keys are PyTorch's `model1.0.weight` …
 * `model1.8.bias`; a test holds these names and shapes to the trainer's.
 */
export class CourseNet extends Module {
  model1 = new Sequential(
    new Conv2d(3, 32, 5, { padding: 2 }),
    new MaxPool2d(2),
    new Conv2d(32, 32, 5, { padding: 2 }),
    new MaxPool2d(2),
    new Conv2d(32, 64, 5, { padding: 2 }),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(1024, 64),
    new Linear(64, 10),
  );

  forward(x: Tensor): Tensor {
    return this.model1(x);
  }
}

/**
 * The course CNN with a ReLU after each convolution and after the hidden Linear: the same parameters, but the
 * ReLUs take places in the Sequential, so its keys are `model1.0`, `model1.3`, `model1.6`, `model1.10`, `model1.12`
 * (what PyTorch gives the same Sequential), and its weights do not load into the plain course CNN.
 */
export class CourseReluNet extends Module {
  model1 = new Sequential(
    new Conv2d(3, 32, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 32, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 64, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(1024, 64),
    new ReLU(),
    new Linear(64, 10),
  );

  forward(x: Tensor): Tensor {
    return this.model1(x);
  }
}

export function createModel(choice: ModelChoice): Module {
  return choice === 'course' ? new CourseNet() : new CourseReluNet();
}
