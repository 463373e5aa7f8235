import type { Tensor } from '@lantern/tensor';
import { type AdamOptions, adam, adamw } from './adam.js';
import { OptimizerError } from './errors.js';
import { Optimizer, type ParamGroup, type Params, stateTensor, zerosLikeParam } from './optimizer.js';

type AdamRule = typeof adam;

/** Shared by Adam and AdamW: they differ only in their defaults and in the update function. */
abstract class AdamFamily extends Optimizer<AdamOptions> {
  protected abstract readonly rule: AdamRule;

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    const params: Tensor[] = [];
    const grads: Tensor[] = [];
    const expAvgs: Tensor[] = [];
    const expAvgSqs: Tensor[] = [];
    const maxExpAvgSqs: Tensor[] = [];
    const stateSteps: number[] = [];
    for (const param of group.params) {
      if (param.grad === null) continue;
      params.push(param);
      grads.push(param.grad);
      const state = this.stateOf(param);
      // Lazy initialisation on a parameter's first step, as torch.optim does.
      state.step ??= 0;
      state.expAvg ??= zerosLikeParam(param);
      state.expAvgSq ??= zerosLikeParam(param);
      if (group.amsgrad) state.maxExpAvgSq ??= zerosLikeParam(param);
      expAvgs.push(stateTensor(this.name, state, 'expAvg'));
      expAvgSqs.push(stateTensor(this.name, state, 'expAvgSq'));
      if (group.amsgrad) maxExpAvgSqs.push(stateTensor(this.name, state, 'maxExpAvgSq'));
      stateSteps.push(state.step as number);
    }
    this.rule(params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, stateSteps, group);
    for (const [index, param] of params.entries()) this.stateOf(param).step = stateSteps[index]!;
  }
}

/**
 * Adam (Kingma & Ba) with optional AMSGrad and L2 weight decay: torch.optim.Adam. State per parameter: `step`,
 * `expAvg`, `expAvgSq` and, with amsgrad, `maxExpAvgSq`. The rule is `adam`'s.
 * @example
 * const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends AdamFamily {
  protected readonly rule = adam;

  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, adamDefaults('Adam', options, 0));
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, torch.optim.AdamW (default weightDecay 1e-2).
 * State per parameter as Adam's. The rule is `adamw`'s.
 * @example
 * const optimizer = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends AdamFamily {
  protected readonly rule = adamw;

  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('AdamW', params, adamDefaults('AdamW', options, 1e-2));
  }
}

function adamDefaults(name: string, options: Partial<AdamOptions>, defaultWeightDecay: number): AdamOptions {
  const {
    lr = 1e-3,
    betas = [0.9, 0.999],
    eps = 1e-8,
    weightDecay = defaultWeightDecay,
    amsgrad = false,
    maximize = false,
  } = options;
  // Written as !(0 <= x), as torch does, so that NaN is rejected too.
  if (!(0 <= lr)) throw new OptimizerError(`${name}: Invalid learning rate: ${lr}`);
  if (!(0 <= eps)) throw new OptimizerError(`${name}: Invalid epsilon value: ${eps}`);
  if (!(0 <= betas[0] && betas[0] < 1)) throw new OptimizerError(`${name}: Invalid beta parameter at index 0: ${betas[0]}`);
  if (!(0 <= betas[1] && betas[1] < 1)) throw new OptimizerError(`${name}: Invalid beta parameter at index 1: ${betas[1]}`);
  if (!(0 <= weightDecay)) throw new OptimizerError(`${name}: Invalid weight_decay value: ${weightDecay}`);
  return { lr, betas: [betas[0], betas[1]], eps, weightDecay, amsgrad, maximize };
}
