import { registerCpuBackend } from '@lantern/backend-cpu';
import { registerWasmBackend } from '@lantern/backend-wasm';
import { CrossEntropyLoss } from '@lantern/losses';
import type { Optimizer } from '@lantern/optim';
import { Adagrad, Adam, AdamW, lrScheduler, RMSprop, SGD } from '@lantern/optim';
import { manualSeed, rand, randint, setBackend, type Tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradNorm_ } from './clip-grad-norm.js';
import { CourseNet, type ModelName, modelNames } from './model.js';
import { createTrainStep } from './train-step.js';

await registerCpuBackend();
// Two threads: wasm's kernels give the same bits for any thread count and any timing (every sum runs in a fixed
// order), so compiled and eager steps must agree bit for bit with threads sharing the work too.
await registerWasmBackend({ threads: 2 });

const optimizers: Record<string, (model: CourseNet) => Optimizer> = {
  'sgd, momentum and nesterov': (model) => new SGD(model.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true }),
  adam: (model) => new Adam(model.parameters(), { lr: 1e-3 }),
  'adamw, amsgrad': (model) => new AdamW(model.parameters(), { lr: 1e-3, amsgrad: true }),
  rmsprop: (model) => new RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.5 }),
  adagrad: (model) => new Adagrad(model.parameters(), { lr: 0.01 }),
};

/** Trains `steps` steps from seed 0 and returns the losses and the final weights, compiled or eager. */
async function train(variant: ModelName, makeOptimizer: (model: CourseNet) => Optimizer, compiled: boolean, steps = 4) {
  manualSeed(0);
  const model = new CourseNet(variant);
  const optimizer = makeOptimizer(model);
  const scheduler = new lrScheduler.StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
  const lossFunction = new CrossEntropyLoss();
  const parameters = model.parameters();
  const step = createTrainStep(
    {
      model,
      optimizer,
      lossFunction: (o, t) => lossFunction(o, t),
      beforeOptimizerStep: () => void clipGradNorm_(parameters, 5),
    },
    compiled,
  );
  manualSeed(1);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const [images, labels]: [Tensor, Tensor] = [rand([3, 3, 32, 32]), randint(0, 10, [3])];
    losses.push((await step(images, labels).data())[0]!);
    scheduler.step();
  }
  const weights = await Promise.all(parameters.map(async (parameter) => [...(await parameter.data())]));
  return { losses, weights, stats: step.stats ?? null };
}

describe('compiled training steps (the trainer default) equal eager ones bit for bit', () => {
  for (const backend of ['cpu', 'wasm']) {
    for (const variant of modelNames) {
      for (const [name, makeOptimizer] of Object.entries(optimizers)) {
        it(`${backend}, --model ${variant}, ${name}, a StepLR schedule and gradient clipping`, async () => {
          setBackend(backend);
          const eager = await train(variant, makeOptimizer, false);
          const compiled = await train(variant, makeOptimizer, true);
          expect(compiled.losses).toEqual(eager.losses);
          expect(compiled.weights).toEqual(eager.weights);
          expect(compiled.stats?.replays).toBeGreaterThanOrEqual(2);
        });
      }
    }
  }
});
