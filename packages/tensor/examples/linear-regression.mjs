// A linear regression fitted by hand-written gradient descent: y = 3x - 2 plus noise.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { manualSeed, noGrad, randn, zeros } from '@lantern/tensor';

await registerCpuBackend();

manualSeed(0);
const x = randn([100, 1]);
const y = x.mul(3).sub(2).add(randn([100, 1]).mul(0.1));

const weight = zeros([1, 1], { requiresGrad: true });
const bias = zeros([1], { requiresGrad: true });
const learningRate = 0.1;
let loss;
for (let step = 0; step < 200; step++) {
  loss = x.matmul(weight).add(bias).sub(y).square().mean();
  loss.backward();
  noGrad(() => {
    weight.copy_(weight.sub(weight.grad.mul(learningRate)));
    bias.copy_(bias.sub(bias.grad.mul(learningRate)));
  });
  weight.grad = null;
  bias.grad = null;
}

console.log(`weight ${weight.item().toFixed(3)}, bias ${bias.item().toFixed(3)}, loss ${loss.item().toFixed(5)}`);
// weight ≈ 3, bias ≈ -2, loss ≈ 0.01 (the noise's variance)
export const result = { weight: weight.item(), bias: bias.item(), loss: loss.item() };
