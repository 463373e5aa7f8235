// The course CNN written with core's functional ops (shared by the training test and bench/train.mjs):
// Conv2d(3,32,5,p=2) → MaxPool2d(2) → Conv2d(32,32,5,p=2) → MaxPool2d(2) → Conv2d(32,64,5,p=2) → MaxPool2d(2) →
// Flatten → Linear(1024,64) → Linear(64,10); cross entropy; SGD (lr 0.01) through the backend's fused sgdUpdate.
import { conv2d, fromArray, linear, maxPool2d, sgdUpdate_, softmaxCrossEntropy, tidy } from '@lantern/tensor';

/** [shape, fanIn] of each parameter: conv weight, conv bias, ..., linear weight, linear bias. */
const parameterShapes = [
  [[32, 3, 5, 5], 75],
  [[32], 75],
  [[32, 32, 5, 5], 800],
  [[32], 800],
  [[64, 32, 5, 5], 800],
  [[64], 800],
  [[64, 1024], 1024],
  [[64], 1024],
  [[10, 64], 64],
  [[10], 64],
];

/** PyTorch's default init for Conv2d and Linear: weights and biases uniform in ±1/sqrt(fanIn), from `generator`. */
export function initialParameters(generator) {
  return parameterShapes.map(([shape, fanIn]) => {
    const bound = 1 / Math.sqrt(fanIn);
    const size = shape.reduce((a, b) => a * b, 1);
    return { shape, values: Float32Array.from({ length: size }, () => (generator.nextFloat24() * 2 - 1) * bound) };
  });
}

/** Leaf tensors on `backend` holding the given host values. */
export function createParameters(initial, backend) {
  return initial.map(({ shape, values }) => fromArray(values, shape, 'float32', { backend, requiresGrad: true }));
}

/** A batch of standard-normal images [N, 3, 32, 32] and labels in 0..9, as host arrays. */
export function randomBatch(generator, batchSize) {
  const images = Float32Array.from({ length: batchSize * 3 * 32 * 32 }, () => generator.nextNormal());
  const labels = Int32Array.from({ length: batchSize }, () => generator.nextUint32() % 10);
  return { images, labels };
}

export function forward(parameters, images) {
  const [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5] = parameters;
  let x = maxPool2d(conv2d(images, w1, b1, { padding: 2 }), 2).values;
  x = maxPool2d(conv2d(x, w2, b2, { padding: 2 }), 2).values;
  x = maxPool2d(conv2d(x, w3, b3, { padding: 2 }), 2).values;
  return linear(linear(x.flatten(1), w4, b4), w5, b5);
}

/**
 * One training step on host data; returns the mean loss (a tensor the caller disposes). Every intermediate is freed by
 * tidy(), and nothing here waits on a GPU: reading the loss is the caller's choice.
 */
export function trainStep(parameters, batch, lr = 0.01) {
  const backend = parameters[0].backend.name;
  return tidy(() => {
    const images = fromArray(batch.images, [batch.labels.length, 3, 32, 32], 'float32', { backend });
    const labels = fromArray(batch.labels, [batch.labels.length], 'int32', { backend });
    const loss = softmaxCrossEntropy(forward(parameters, images), labels).mean();
    loss.backward();
    for (const parameter of parameters) {
      sgdUpdate_(parameter, parameter.grad, null, { lr });
      // Gradients are kept out of tidy() (they outlive backward); free them now rather than when collected.
      parameter.grad.dispose();
      parameter.grad = null;
    }
    return loss;
  });
}

/**
 * Floating-point operations (2 per multiply-add) of one training step per image: each convolution's forward and
 * weight gradient, the input gradient of all but the first (the images need none), and three products per linear.
 */
export function trainingFlopsPerImage() {
  const convolutions = [
    [3, 32, 32, 2],
    [32, 32, 16, 3],
    [32, 64, 8, 3],
  ];
  const conv = convolutions.reduce((total, [c, o, size, passes]) => total + passes * 2 * c * 25 * o * size * size, 0);
  return conv + 3 * 2 * (1024 * 64 + 64 * 10);
}
