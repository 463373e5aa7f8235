import { CrossEntropyLoss } from '@lantern/losses';
import type { Module } from '@lantern/nn';
import { type Optimizer, SGD } from '@lantern/optim';
import { type CompiledStep, compile, manualSeed, rand, randint, type Tensor, tidy } from '@lantern/tensor';
import { CourseNet } from './model.js';

/** What one training step is made of. */
export interface TrainStepParts {
  model: Module;
  optimizer: Optimizer;
  lossFunction: (outputs: Tensor, targets: Tensor) => Tensor;
  /** Between backward and the optimizer's step (gradient clipping). */
  beforeOptimizerStep?(): void;
}

/** A training step; compiled, it also has compile()'s `stats` and `dispose`. */
export type TrainStep = ((inputs: Tensor, targets: Tensor) => Tensor) &
  Partial<Pick<CompiledStep<[Tensor, Tensor], Tensor>, 'stats' | 'dispose'>>;

/**
 * The course's step: forward, loss, zeroGrad, backward, (clipping,) step; it returns the loss. `compiled` (the
 * trainer's default; --no-compile turns it off) runs it through compile(): the first calls trace it and later ones
 * replay its kernels, with the same results as eager steps, bit for bit.
 */
export function createTrainStep(parts: TrainStepParts, compiled: boolean): TrainStep {
  const { model, optimizer, lossFunction } = parts;
  // tidy frees the step's activations and intermediate gradients at once (wasm and WebGPU memory is invisible to the
  // garbage collector); parameters, their .grad and the optimizer's state are kept.
  const step = (inputs: Tensor, targets: Tensor) =>
    tidy(() => {
      const loss = lossFunction(model(inputs), targets);
      optimizer.zeroGrad();
      loss.backward();
      parts.beforeOptimizerStep?.();
      optimizer.step();
      return loss;
    });
  return compiled ? compile(step) : step;
}

/** What the benchmarks train: the course CNN from seed 0 with cross entropy and SGD (lr 0.01), and one random batch. */
export function courseOnRandomData(batchSize: number): { parts: TrainStepParts; images: Tensor; labels: Tensor } {
  manualSeed(0);
  const model = new CourseNet();
  const loss = new CrossEntropyLoss();
  const optimizer = new SGD(model.parameters(), { lr: 0.01 });
  const parts = { model, optimizer, lossFunction: (outputs: Tensor, targets: Tensor) => loss(outputs, targets) };
  return { parts, images: rand([batchSize, 3, 32, 32]), labels: randint(0, 10, [batchSize]) };
}
