// The same regression, with its step compiled: traced on the first call, replayed after.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { compile, manualSeed, noGrad, randn, runEagerly, tidy, zeros } from '@lantern/tensor';

await registerCpuBackend();

manualSeed(0);
const x = randn([100, 1]);
const y = x.mul(3).sub(2).add(randn([100, 1]).mul(0.1));
const weight = zeros([1, 1], { requiresGrad: true });
const bias = zeros([1], { requiresGrad: true });
let learningRate = 0.1;

const step = compile((inputs, targets) =>
  tidy(() => {
    const loss = inputs.matmul(weight).add(bias).sub(targets).square().mean();
    weight.grad = bias.grad = null; // zeroGrad
    loss.backward();
    // The update runs eagerly on every call, so it sees today's learning rate (optimizers do this themselves).
    runEagerly(() =>
      noGrad(() => {
        weight.copy_(weight.sub(weight.grad.mul(learningRate)));
        bias.copy_(bias.sub(bias.grad.mul(learningRate)));
      }),
    );
    return loss;
  }),
);
let loss;
for (let i = 0; i < 200; i++) {
  if (i === 150) learningRate = 0.01;
  loss = step(x, y);
}

console.log(`weight ${weight.item().toFixed(3)}, bias ${bias.item().toFixed(3)}, loss ${loss.item().toFixed(5)}`);
console.log(step.stats); // { traces: 1, replays: 199, lastRetrace: null }
export const result = { weight: weight.item(), bias: bias.item(), loss: loss.item(), replays: step.stats.replays };
