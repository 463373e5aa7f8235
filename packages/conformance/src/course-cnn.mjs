// The course CNN written with core functional ops, shared by the backends' benchmarks and training tests (plain JS,
// so `node bench/*.mjs` runs it without a build): 3 × (conv 5×5 pad 2 + max-pool 2), flatten, Linear(1024, 64),
// Linear(64, 10), cross-entropy, plain SGD (lr 0.01) by core's sgdUpdate_ (the backend's fused kernel when it has one).
// Weights and batches come from Lantern's host-side generator, so one seed gives the same values on every backend.
import {
  conv2d,
  linear,
  manualSeed,
  maxPool2d,
  randint,
  randn,
  sgdUpdate_,
  softmaxCrossEntropy,
  tidy,
  zeros,
} from '@lantern/tensor';

const layerShapes = [
  [32, 3, 5, 5],
  [32, 32, 5, 5],
  [64, 32, 5, 5],
];

/** PyTorch's default init (uniform ±1/sqrt(fan_in)) on the active backend. */
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

/**
 * One SGD step inside tidy(), so every intermediate is freed when it ends (the gradients too: they are disposed
 * explicitly, since backward keeps them out of tidy). Returns the loss tensor, unread, for the caller to read and dispose.
 */
export function trainStep(model, images, labels, lr = 0.01) {
  return tidy(() => {
    const loss = softmaxCrossEntropy(model.forward(images), labels).mean();
    loss.backward();
    for (const parameter of model.parameters) {
      sgdUpdate_(parameter, parameter.grad, null, { lr });
      parameter.grad.dispose();
      parameter.grad = null;
    }
    return loss;
  });
}

/** A batch of standard-normal images [N, 3, 32, 32] and labels in 0..9 on the active backend. */
export function randomBatch(batchSize, seed = 1) {
  manualSeed(seed);
  return { images: randn([batchSize, 3, 32, 32]), labels: randint(0, 10, [batchSize]) };
}

/** FLOPs of one training step per image: forward, backward-input (not for the first conv) and backward-weight. */
export function trainingFlopsPerImage() {
  const convs = [
    [3, 32, 32],
    [32, 32, 16],
    [32, 64, 8],
  ].map(([c, o, size]) => 2 * c * 25 * o * size * size);
  const forward = convs.reduce((a, b) => a + b, 0) + 2 * (1024 * 64 + 64 * 10);
  const backwardInput = convs.slice(1).reduce((a, b) => a + b, 0) + 2 * (1024 * 64 + 64 * 10);
  return forward + backwardInput + forward;
}
