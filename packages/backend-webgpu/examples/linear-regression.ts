import { registerWebGPUBackend } from '@lantern/backend-webgpu';
import { noGrad, setBackend, tensor, tidy } from '@lantern/tensor';

// Opens a device (navigator.gpu in a browser, Dawn from the 'webgpu' package in Node) and registers 'webgpu'.
const backend = await registerWebGPUBackend();
setBackend('webgpu');
console.log(`webgpu on ${backend.adapterDescription}`);

// Fit y = 2x + 1 by gradient descent; every op below runs as a WGSL kernel.
const x = tensor([[1], [2], [3], [4]], { dtype: 'float32' });
const y = x.mul(2).add(1);
const weight = tensor([[0]], { dtype: 'float32', requiresGrad: true });
const bias = tensor([0], { dtype: 'float32', requiresGrad: true });
for (let step = 0; step < 500; step++) {
  tidy(() => {
    const loss = x.matmul(weight).add(bias).sub(y).pow(2).mean();
    loss.backward();
    noGrad(() => {
      for (const parameter of [weight, bias]) {
        parameter.copy_(parameter.sub(parameter.grad!.mul(0.05)));
        parameter.grad!.dispose();
        parameter.grad = null;
      }
    });
  });
}
// Reading is asynchronous on WebGPU: await data(); dataSync() and item() throw SyncReadError here.
const [fittedWeight] = await weight.data();
const [fittedBias] = await bias.data();
console.log(`y ≈ ${fittedWeight!.toFixed(3)}x + ${fittedBias!.toFixed(3)}`); // y ≈ 2.000x + 1.000
export const result = { weight: fittedWeight!, bias: fittedBias! };
