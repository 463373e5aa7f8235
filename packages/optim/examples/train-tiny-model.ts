import { registerCpuBackend } from '@lantern/backend-cpu';
import { linear, manualSeed, randn, tensor, zeros } from '@lantern/tensor';
import { SGD, lrScheduler } from '@lantern/optim';

await registerCpuBackend();

manualSeed(0);
// Data from y = 2·x₀ − 3·x₁ + 1, and a one-layer model y = x·Wᵀ + b to fit it.
const inputs = randn([64, 2]);
const targets = inputs.matmul(tensor([[2], [-3]], { dtype: 'float32' })).add(1);
export const weight = zeros([1, 2]).requiresGrad_();
export const bias = zeros([1]).requiresGrad_();

const optimizer = new SGD([weight, bias], { lr: 0.2, momentum: 0.5 });
const scheduler = new lrScheduler.StepLR(optimizer, { stepSize: 40, gamma: 0.5 });
export let loss = Infinity;
for (let step = 0; step < 100; step++) {
  optimizer.zeroGrad();
  const error = linear(inputs, weight, bias).sub(targets);
  const meanSquaredError = error.mul(error).mean();
  meanSquaredError.backward();
  optimizer.step();
  scheduler.step();
  loss = meanSquaredError.item();
}
console.log(`loss ${loss.toExponential(2)}, weight ${weight.toArray()}, bias ${bias.toArray()}`);
