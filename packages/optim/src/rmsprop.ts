import { noGrad, type Tensor, tidy } from '@lantern/tensor';
import { checkLists } from './check-lists.js';
import { OptimizerError } from './errors.js';
import { Optimizer, type ParamGroup, type Params, stateTensor, zerosLikeParam } from './optimizer.js';

export interface RmspropOptions {
  lr: number;
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha: number;
  eps: number;
  weightDecay: number;
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment (default false). */
  centered: boolean;
  maximize: boolean;
}

/**
 * torch.optim's functional RMSprop (the single-tensor path of torch 1.13). For each parameter p with gradient g and
 * state s (square average), ḡ (gradient average, centered only) and b (momentum buffer), all zero before the first
 * step:
 *
 *     g ← −g                                   if maximize
 *     g ← g + λ·p                              if weightDecay λ ≠ 0
 *     s ← α·s + (1 − α)·g²
 *     ḡ ← α·ḡ + (1 − α)·g;  d ← √(s − ḡ²) + eps  if centered
 *     d ← √s + eps                             otherwise
 *     b ← μ·b + g/d;  p ← p − lr·b             if momentum μ > 0
 *     p ← p − lr·g/d                           otherwise
 *
 * There is no bias correction, so the first step divides by √((1 − α)·g²) + eps. Everything is updated in place;
 * `gradAvgs` is read only when centered and `momentumBuffers` only when momentum > 0.
 * @example
 * const squareAvg = weight.zerosLike();
 * rmsprop([weight], [weight.grad!], [squareAvg], [], [], { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
 */
export function rmsprop(
  params: readonly Tensor[],
  grads: readonly Tensor[],
  squareAvgs: readonly Tensor[],
  gradAvgs: readonly Tensor[],
  momentumBuffers: readonly Tensor[],
  options: RmspropOptions,
): void {
  const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = options;
  checkLists('rmsprop', params, {
    grads,
    squareAvgs,
    ...(centered ? { gradAvgs } : {}),
    ...(momentum > 0 ? { momentumBuffers } : {}),
  });
  noGrad(() => {
    params.forEach((param, index) => {
      tidy(() => {
        let grad = maximize ? grads[index]!.neg() : grads[index]!;
        if (weightDecay !== 0) grad = grad.add(param, weightDecay);
        const squareAvg = squareAvgs[index]!;
        squareAvg.copy_(squareAvg.mul(alpha).add(grad.mul(grad), 1 - alpha));
        let average: Tensor;
        if (centered) {
          const gradAvg = gradAvgs[index]!;
          gradAvg.copy_(gradAvg.mul(alpha).add(grad, 1 - alpha));
          average = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
        } else {
          average = squareAvg.sqrt();
        }
        average = average.add(eps);
        if (momentum > 0) {
          const buffer = momentumBuffers[index]!;
          buffer.copy_(buffer.mul(momentum).add(grad.div(average)));
          param.copy_(param.add(buffer, -lr));
        } else {
          param.copy_(param.add(grad.div(average), -lr));
        }
      });
    });
  });
}

/**
 * RMSprop (Hinton), optionally centered and with momentum: torch.optim.RMSprop. State per parameter: `step`,
 * `squareAvg`, `momentumBuffer` (momentum > 0) and `gradAvg` (centered). The rule is `rmsprop`'s.
 * @example
 * const optimizer = new RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9 });
 */
export class RMSprop extends Optimizer<RmspropOptions> {
  constructor(params: Params<RmspropOptions>, options: Partial<RmspropOptions> = {}) {
    super('RMSprop', params, rmspropDefaults(options));
  }

  protected updateGroup(group: ParamGroup<RmspropOptions>): void {
    const params: Tensor[] = [];
    const grads: Tensor[] = [];
    const squareAvgs: Tensor[] = [];
    const gradAvgs: Tensor[] = [];
    const momentumBuffers: Tensor[] = [];
    for (const param of group.params) {
      if (param.grad === null) continue;
      params.push(param);
      grads.push(param.grad);
      const state = this.stateOf(param);
      state.step ??= 0;
      state.squareAvg ??= zerosLikeParam(param);
      if (group.momentum > 0) state.momentumBuffer ??= zerosLikeParam(param);
      if (group.centered) state.gradAvg ??= zerosLikeParam(param);
      squareAvgs.push(stateTensor(this.name, state, 'squareAvg'));
      if (group.momentum > 0) momentumBuffers.push(stateTensor(this.name, state, 'momentumBuffer'));
      if (group.centered) gradAvgs.push(stateTensor(this.name, state, 'gradAvg'));
      // torch.optim.RMSprop counts steps in step() itself; the rule does not use the count.
      state.step = (state.step as number) + 1;
    }
    rmsprop(params, grads, squareAvgs, gradAvgs, momentumBuffers, group);
  }
}

function rmspropDefaults(options: Partial<RmspropOptions>): RmspropOptions {
  const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false } = options;
  if (!(0 <= lr)) throw new OptimizerError(`RMSprop: Invalid learning rate: ${lr}`);
  if (!(0 <= eps)) throw new OptimizerError(`RMSprop: Invalid epsilon value: ${eps}`);
  if (!(0 <= momentum)) throw new OptimizerError(`RMSprop: Invalid momentum value: ${momentum}`);
  if (!(0 <= weightDecay)) throw new OptimizerError(`RMSprop: Invalid weight_decay value: ${weightDecay}`);
  if (!(0 <= alpha)) throw new OptimizerError(`RMSprop: Invalid alpha value: ${alpha}`);
  return { lr, alpha, eps, weightDecay, momentum, centered, maximize };
}
