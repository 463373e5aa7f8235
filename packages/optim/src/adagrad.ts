import { keep, noGrad, type Tensor, tidy } from '@lantern/tensor';
import { checkLists } from './check-lists.js';
import { OptimizerError } from './errors.js';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState, type Params, stateTensor } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  /** The learning rate decays as lr / (1 + (t − 1)·lrDecay) (default 0). */
  lrDecay: number;
  weightDecay: number;
  /** Starting value of the squared-gradient sum (default 0). */
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/**
 * torch.optim's functional Adagrad (the single-tensor path of torch 1.13, dense gradients). For each parameter p with
 * gradient g, squared-gradient sum S (initialAccumulatorValue before the first step) and step count t (incremented
 * first, so t = 1 on the first step):
 *
 *     g ← −g                         if maximize
 *     g ← g + λ·p                    if weightDecay λ ≠ 0
 *     S ← S + g²
 *     p ← p − lr/(1 + (t − 1)·lrDecay) · g / (√S + eps)
 *
 * With the default zero accumulator the first step moves each element by lr·sign(g) (up to eps). Parameters, sums
 * and `stateSteps` are updated in place.
 * @example
 * const sum = weight.zerosLike();
 * const steps = [0];
 * adagrad([weight], [weight.grad!], [sum], steps, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false });
 */
export function adagrad(
  params: readonly Tensor[],
  grads: readonly Tensor[],
  stateSums: readonly Tensor[],
  stateSteps: number[],
  options: AdagradOptions,
): void {
  const { lr, lrDecay, weightDecay, eps, maximize } = options;
  checkLists('adagrad', params, { grads, stateSums, stateSteps });
  noGrad(() => {
    params.forEach((param, index) => {
      tidy(() => {
        const step = stateSteps[index]! + 1;
        stateSteps[index] = step;
        let grad = maximize ? grads[index]!.neg() : grads[index]!;
        if (weightDecay !== 0) grad = grad.add(param, weightDecay);
        const learningRate = lr / (1 + (step - 1) * lrDecay);
        const sum = stateSums[index]!;
        sum.copy_(sum.add(grad.mul(grad)));
        param.copy_(param.add(grad.div(sum.sqrt().add(eps)), -learningRate));
      });
    });
  });
}

/**
 * Adagrad (Duchi et al.): torch.optim.Adagrad. State per parameter, created at construction as torch does:
 * `step` (0) and `sum` (filled with initialAccumulatorValue). The rule is `adagrad`'s.
 * @example
 * const optimizer = new Adagrad(model.parameters(), { lr: 0.01 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super('Adagrad', params, adagradDefaults(options));
  }

  /** torch initialises state only for the constructor's groups; groups added later get theirs here too. */
  override addParamGroup(group: ParamGroupInput<AdagradOptions>): void {
    super.addParamGroup(group);
    this.initializeState(this.paramGroups[this.paramGroups.length - 1]!);
  }

  private initializeState(group: ParamGroup<AdagradOptions>): void {
    for (const param of group.params) {
      const state: ParamState = this.stateOf(param);
      state.step ??= 0;
      state.sum ??= noGrad(() => keep(param.fullLike(group.initialAccumulatorValue)));
    }
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    const params: Tensor[] = [];
    const grads: Tensor[] = [];
    const stateSums: Tensor[] = [];
    const stateSteps: number[] = [];
    for (const param of group.params) {
      if (param.grad === null) continue;
      params.push(param);
      grads.push(param.grad);
      const state = this.stateOf(param);
      stateSums.push(stateTensor(this.name, state, 'sum'));
      stateSteps.push(state.step as number);
    }
    adagrad(params, grads, stateSums, stateSteps, group);
    for (const [index, param] of params.entries()) this.stateOf(param).step = stateSteps[index]!;
  }
}

function adagradDefaults(options: Partial<AdagradOptions>): AdagradOptions {
  const { lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false } = options;
  if (!(0 <= lr)) throw new OptimizerError(`Adagrad: Invalid learning rate: ${lr}`);
  if (!(0 <= lrDecay)) throw new OptimizerError(`Adagrad: Invalid lr_decay value: ${lrDecay}`);
  if (!(0 <= weightDecay)) throw new OptimizerError(`Adagrad: Invalid weight_decay value: ${weightDecay}`);
  if (!(0 <= initialAccumulatorValue)) {
    throw new OptimizerError(`Adagrad: Invalid initial_accumulator_value value: ${initialAccumulatorValue}`);
  }
  if (!(0 <= eps)) throw new OptimizerError(`Adagrad: Invalid epsilon value: ${eps}`);
  return { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize };
}
