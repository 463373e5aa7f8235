import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential } from '@lantern/nn';
import type { Tensor } from '@lantern/tensor';

/** `--model`: the course's CNN, the same with ReLU activations, and with BatchNorm as well. */
export const modelNames = ['course', 'course-relu', 'course-bn'] as const;
export type ModelName = (typeof modelNames)[number];

/** What each model is, in the words the trainer prints. */
export const modelDescriptions: Record<ModelName, string> = {
  course: 'the course CNN',
  'course-relu': 'the course CNN with ReLU',
  'course-bn': 'the course CNN with BatchNorm and ReLU',
};

function layers(name: ModelName): Module[] {
  const relu = name !== 'course';
  const block = (inChannels: number, outChannels: number): Module[] => [
    new Conv2d(inChannels, outChannels, 5, { padding: 2 }),
    ...(name === 'course-bn' ? [new BatchNorm2d(outChannels)] : []),
    ...(relu ? [new ReLU()] : []),
    new MaxPool2d(2),
  ];
  return [
    ...block(3, 32),
    ...block(32, 32),
    ...block(32, 64),
    new Flatten(),
    new Linear(1024, 64),
    ...(relu ? [new ReLU()] : []),
    new Linear(64, 10),
  ];
}

/**
 * The course's CNN ("Tudui"): three 5×5 convolutions with 2×2 max-pooling, then Linear 1024→64→10, and no
 * activations, exactly as the course has it. 'course-relu' adds a ReLU after each convolution and after the first
 * linear layer; 'course-bn' also a BatchNorm2d after each convolution, before its ReLU. The layers are one
 * `Sequential`, the attribute `model1`, so the state-dict keys are PyTorch's for the same module tree
 * (reference/models.py): `model1.0.weight` … `model1.8.bias` for the course CNN, and a PyTorch checkpoint loads
 * unchanged. Parameters are created in PyTorch's order, so after the same seed the initial weights are PyTorch's.
 */
export class CourseNet extends Module {
  readonly model1: Sequential;

  constructor(readonly variant: ModelName = 'course') {
    super();
    this.model1 = new Sequential(...layers(variant));
  }

  forward(x: Tensor): Tensor {
    return this.model1(x);
  }
}
