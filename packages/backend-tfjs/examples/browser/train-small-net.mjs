// A small conv net trained for a few steps on Lantern's tfjs adapter; shared by the browser page (main.mjs) and the
// test that checks the page computes in Chromium what the same code computes in Node.
import { conv2d, linear, manualSeed, maxPool2d, noGrad, randint, randn, setBackend, softmaxCrossEntropy, tidy, zeros } from '@lantern/tensor';
import { registerTfjsBackend, tf } from '@lantern/backend-tfjs';

export async function trainSmallNet(tfjsBackend = 'cpu', steps = 5) {
  await registerTfjsBackend({ tfjsBackend });
  setBackend('tfjs');
  manualSeed(0);
  const weight = zeros([8, 3, 3, 3]).uniform_(-0.2, 0.2).requiresGrad_();
  const classifier = zeros([10, 8 * 8 * 8]).uniform_(-0.05, 0.05).requiresGrad_();
  const images = randn([4, 3, 16, 16]), labels = randint(0, 10, [4]);
  const losses = [];
  for (let step = 0; step < steps; step++) {
    const loss = tidy(() => {
      const features = maxPool2d(conv2d(images, weight, null, { padding: 1 }).relu(), 2).values.flatten(1);
      const value = softmaxCrossEntropy(linear(features, classifier), labels).mean();
      value.backward();
      noGrad(() => {
        for (const parameter of [weight, classifier]) {
          parameter.copy_(parameter.sub(parameter.grad.mul(0.1)));
          parameter.grad.dispose();
          parameter.grad = null;
        }
      });
      return value;
    });
    losses.push(loss.item());
    loss.dispose();
  }
  for (const tensor of [weight, classifier, images, labels]) tensor.dispose();
  return { backend: tf.getBackend(), losses, tensors: tf.memory().numTensors };
}
