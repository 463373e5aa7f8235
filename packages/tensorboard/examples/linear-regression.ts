// Fits y = 3x - 2 by gradient descent and logs the run to runs/linear-regression for TensorBoard.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { manualSeed, noGrad, randn, zeros } from '@lantern/tensor';
import { SummaryWriter } from '@lantern/tensorboard/node';

await registerCpuBackend();

manualSeed(0);
const x = randn([100, 1]);
const y = x.mul(3).sub(2).add(randn([100, 1]).mul(0.1));
const weight = zeros([1, 1], { requiresGrad: true });
const bias = zeros([1], { requiresGrad: true });
const learningRate = 0.1;

export const writer = new SummaryWriter('runs/linear-regression');
writer.addText('about', 'Fitting **y = 3x - 2** with plain gradient descent.', 0);
let loss = 0;
for (let step = 0; step < 100; step++) {
  const error = x.matmul(weight).add(bias).sub(y);
  const meanSquaredError = error.square().mean();
  meanSquaredError.backward();
  noGrad(() => {
    weight.copy_(weight.sub(weight.grad!.mul(learningRate)));
    bias.copy_(bias.sub(bias.grad!.mul(learningRate)));
  });
  weight.grad = null;
  bias.grad = null;
  loss = meanSquaredError.item();
  writer.addScalar('loss', loss, step);
  writer.addScalars('parameters', { weight: weight.item(), bias: bias.item() }, step);
  if (step % 20 === 0) writer.addHistogram('residuals', error, step);
}
writer.addHparams({ learningRate, steps: 100 }, { 'hparam/loss': loss });
writer.close();
console.log(`loss ${loss.toFixed(4)}; now run: tensorboard --logdir runs`);
