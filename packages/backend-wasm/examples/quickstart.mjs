// A few SGD steps of a small convolutional classifier on the wasm backend (run `pnpm build` first).
import { getThreads, memoryStats, registerWasmBackend } from '@lantern/backend-wasm';
import { conv2d, linear, maxPool2d, randn, randint, setBackend, softmaxCrossEntropy, tidy, noGrad } from '@lantern/tensor';

await registerWasmBackend({ threads: 2 }); // the calling thread plus one worker; the default is one thread per core
setBackend('wasm');

const weight = randn([8, 3, 3, 3]).mul(0.1).requiresGrad_();
const head = randn([10, 8 * 16 * 16]).mul(0.005).requiresGrad_();
const images = randn([16, 3, 32, 32]), labels = randint(0, 10, [16]);

for (let step = 0; step < 5; step++) {
  // tidy() frees every intermediate at once: wasm memory is invisible to the garbage collector.
  const loss = tidy(() => {
    const features = maxPool2d(conv2d(images, weight, null, { padding: 1 }), 2).values.relu();
    const loss = softmaxCrossEntropy(linear(features.flatten(1), head), labels).mean();
    loss.backward();
    return loss.item();
  });
  noGrad(() => {
    for (const parameter of [weight, head]) {
      parameter.copy_(parameter.sub(parameter.grad.mul(0.005)));
      parameter.grad.dispose();
      parameter.grad = null;
    }
  });
  console.log(`step ${step}: loss ${loss.toFixed(4)}`);
}
console.log(`${getThreads()} threads, ${(memoryStats().memoryBytes / 2 ** 20).toFixed(0)} MiB of linear memory`);
