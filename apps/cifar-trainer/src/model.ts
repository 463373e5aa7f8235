import { Conv2d, Flatten, Linear, MaxPool2d, Module, Sequential } from '@lantern/nn';
import type { Tensor } from '@lantern/tensor';

/**
 * The course's CNN ("Tudui"): three 5×5 convolutions with 2×2 max-pooling, then Linear 1024→64→10, and no
 * activations, exactly as the course has it. Its `Sequential` is the attribute `model1`, so the state-dict keys are
 * PyTorch's `model1.0.weight` … `model1.8.bias` and a PyTorch checkpoint loads unchanged.
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
