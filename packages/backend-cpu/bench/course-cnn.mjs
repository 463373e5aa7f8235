// The course CNN written with core functional ops, shared by the cpu benchmarks: 3 × (conv 5×5 pad 2 + max-pool 2),
// flatten, Linear(1024, 64), Linear(64, 10), cross-entropy, plain SGD through the fused kernel when registered.
import { conv2d, getFastKernel, linear, manualSeed, maxPool2d, noGrad, randint, randn, softmaxCrossEntropy, zeros } from '@lantern/tensor';

const layerShapes = [[32, 3, 5, 5], [32, 32, 5, 5], [64, 32, 5, 5]];

export function createCourseCnn(seed = 0) {
  manualSeed(seed);
  const parameters = [];
  const make = (shape, fanIn) => {
    const bound = 1 / Math.sqrt(fanIn);
    const tensor = zeros(shape).uniform_(-bound, bound);
    tensor.requiresGrad = true;
    parameters.push(tensor);
    return tensor;
  };
  const convs = layerShapes.map((shape) => ({ weight: make(shape, shape[1] * 25), bias: make([shape[0]], shape[1] * 25) }));
  const fc1 = { weight: make([64, 1024], 1024), bias: make([64], 1024) };
  const fc2 = { weight: make([10, 64], 64), bias: make([10], 64) };
  const forward = (images) => {
    let x = images;
    for (const conv of convs) x = maxPool2d(conv2d(x, conv.weight, conv.bias, { padding: 2 }), 2).values;
    return linear(linear(x.flatten(1), fc1.weight, fc1.bias), fc2.weight, fc2.bias);
  };
  return { parameters, forward };
}

/** One SGD step; returns the loss tensor (not read, so async backends are not stalled). */
export function trainStep(model, images, labels, lr = 0.01) {
  const loss = softmaxCrossEntropy(model.forward(images), labels).mean();
  loss.backward();
  noGrad(() => {
    for (const parameter of model.parameters) {
      const fused = getFastKernel(parameter.backend, 'sgdUpdate');
      if (fused) {
        fused(parameter.view(), parameter.grad.view(), null, {
          lr, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, firstStep: true,
        });
      } else parameter.copy_(parameter.sub(parameter.grad.mul(lr)));
      parameter.grad = null;
    }
  });
  return loss;
}

export function randomBatch(batchSize) {
  return { images: randn([batchSize, 3, 32, 32]), labels: randint(0, 10, [batchSize]) };
}

/** FLOPs of one training step per image: forward, backward-input (not for the first conv) and backward-weight. */
export function trainingFlopsPerImage() {
  const convs = [[3, 32, 32], [32, 32, 16], [32, 64, 8]].map(([c, o, size]) => 2 * c * 25 * o * size * size);
  const forward = convs.reduce((a, b) => a + b, 0) + 2 * (1024 * 64 + 64 * 10);
  const backwardInput = convs.slice(1).reduce((a, b) => a + b, 0) + 2 * (1024 * 64 + 64 * 10);
  const backwardWeight = forward;
  return forward + backwardInput + backwardWeight;
}
