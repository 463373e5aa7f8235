import { sgdUpdate_, type Tensor } from '@lantern/tensor';
import { checkLists } from './check-lists.js';
import { OptimizerError } from './errors.js';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';

export interface SgdOptions {
  lr: number;
  /** Momentum factor μ (default 0: plain SGD, no buffer). */
  momentum: number;
  /** Dampening τ of the gradient added to the buffer (default 0); the first step ignores it. */
  dampening: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false); needs momentum > 0 and dampening 0. */
  nesterov: boolean;
  /** Ascend the objective instead of descending it (default false). */
  maximize: boolean;
}

/**
 * torch.optim's functional SGD (the single-tensor path of torch 1.13). For each parameter p with gradient g:
 *
 *     g ← −g                            if maximize
 *     g ← g + λ·p                       if weightDecay λ ≠ 0
 *     if momentum μ ≠ 0:
 *       b ← g                           on the first step (buffer null): a copy of g, no dampening
 *       b ← μ·b + (1 − τ)·g             on later steps
 *       g ← g + μ·b  if nesterov,  else  g ← b
 *     p ← p − lr·g
 *
 * Parameters and buffers are updated in place. A null entry of `momentumBuffers` is the first step: the new buffer
 * is stored back into the list. Each parameter's step is the core op `sgdUpdate_`, which runs the backend's fused
 * `sgdUpdate` kernel when it registers one, else tensor ops.
 * @example
 * const buffers: (Tensor | null)[] = [null];
 * sgd([weight], [weight.grad!], buffers, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
 */
export function sgd(
  params: readonly Tensor[],
  grads: readonly Tensor[],
  momentumBuffers: (Tensor | null)[],
  options: SgdOptions,
): void {
  checkLists('sgd', params, { grads, momentumBuffers });
  params.forEach((param, index) => {
    momentumBuffers[index] = sgdUpdate_(param, grads[index]!, momentumBuffers[index] ?? null, options);
  });
}

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay: torch.optim.SGD.
 * State per parameter: `momentumBuffer` (null while momentum is 0). The rule is `sgd`'s.
 * @example
 * const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * optimizer.zeroGrad();
 * loss.backward();
 * optimizer.step();
 */
export class SGD extends Optimizer<SgdOptions> {
  constructor(params: Params<SgdOptions>, options: Partial<SgdOptions> = {}) {
    super('SGD', params, sgdDefaults(options));
  }

  protected updateGroup(group: ParamGroup<SgdOptions>): void {
    const params: Tensor[] = [];
    const grads: Tensor[] = [];
    const momentumBuffers: (Tensor | null)[] = [];
    for (const param of group.params) {
      if (param.grad === null) continue;
      params.push(param);
      grads.push(param.grad);
      const buffer = this.stateOf(param).momentumBuffer;
      momentumBuffers.push(buffer === undefined ? null : (buffer as Tensor | null));
    }
    sgd(params, grads, momentumBuffers, group);
    for (const [index, param] of params.entries()) this.stateOf(param).momentumBuffer = momentumBuffers[index]!;
  }
}

function sgdDefaults(options: Partial<SgdOptions>): SgdOptions {
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options;
  if (lr !== undefined && lr < 0) throw new OptimizerError(`SGD: Invalid learning rate: ${lr}`);
  if (momentum < 0) throw new OptimizerError(`SGD: Invalid momentum value: ${momentum}`);
  if (weightDecay < 0) throw new OptimizerError(`SGD: Invalid weight_decay value: ${weightDecay}`);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new OptimizerError('SGD: Nesterov momentum requires a momentum and zero dampening');
  }
  // lr stays undefined when not given: like torch's `required`, every group must then set it.
  return { lr: lr as number, momentum, dampening, weightDecay, nesterov, maximize };
}
