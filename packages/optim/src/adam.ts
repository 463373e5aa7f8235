import { adamUpdate_, type Tensor } from '@lantern/tensor';
import { checkLists } from './check-lists.js';

export interface AdamOptions {
  lr: number;
  /** Decay rates (β1, β2) of the first and second moment estimates. */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay applied to the parameter. */
  weightDecay: number;
  /** Normalise by the running maximum of the second moment (AMSGrad). */
  amsgrad: boolean;
  maximize: boolean;
}

/**
 * torch.optim's functional Adam (the single-tensor path of torch 1.13). For each parameter p with gradient g, moment
 * estimates m and v (zero before the first step) and step count t (incremented first, so t = 1 on the first step):
 *
 *     g ← −g                                 if maximize
 *     g ← g + λ·p                            if weightDecay λ ≠ 0
 *     m ← β1·m + (1 − β1)·g
 *     v ← β2·v + (1 − β2)·g²
 *     v̂ ← max(v̂, v) and use v̂ below          if amsgrad (v̂ starts at zero)
 *     p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)
 *
 * So the first step moves each element by lr·sign(g) (up to eps). Parameters, moments and `stateSteps` (one count per
 * parameter) are updated in place; `maxExpAvgSqs` is read only when amsgrad. Each parameter's step is the core op
 * `adamUpdate_`, which runs the backend's fused `adamUpdate` kernel when it registers one, else tensor ops.
 * @example
 * const [expAvg, expAvgSq] = [weight.zerosLike(), weight.zerosLike()];
 * const steps = [0];
 * adam([weight], [weight.grad!], [expAvg], [expAvgSq], [], steps, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
 * // steps[0] === 1
 */
export function adam(
  params: readonly Tensor[],
  grads: readonly Tensor[],
  expAvgs: readonly Tensor[],
  expAvgSqs: readonly Tensor[],
  maxExpAvgSqs: readonly Tensor[],
  stateSteps: number[],
  options: AdamOptions,
): void {
  adamFamily('adam', params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, stateSteps, options, false);
}

/**
 * torch.optim's functional AdamW (single-tensor path, torch 1.13): Adam with the weight decay decoupled from the
 * gradient. With t incremented first (t = 1 on the first step):
 *
 *     g ← −g                                 if maximize
 *     p ← p·(1 − lr·λ)                       always (λ = weightDecay; a no-op when λ = 0)
 *     m ← β1·m + (1 − β1)·g
 *     v ← β2·v + (1 − β2)·g²
 *     v̂ ← max(v̂, v) and use v̂ below          if amsgrad
 *     p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)
 *
 * So the first step is p ← p·(1 − lr·λ) − lr·sign(g) (up to eps). Lists and fused kernel as for `adam`.
 * @example
 * adamw([weight], [weight.grad!], [expAvg], [expAvgSq], [], steps, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false });
 */
export function adamw(
  params: readonly Tensor[],
  grads: readonly Tensor[],
  expAvgs: readonly Tensor[],
  expAvgSqs: readonly Tensor[],
  maxExpAvgSqs: readonly Tensor[],
  stateSteps: number[],
  options: AdamOptions,
): void {
  adamFamily('adamw', params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, stateSteps, options, true);
}

function adamFamily(
  op: string,
  params: readonly Tensor[],
  grads: readonly Tensor[],
  expAvgs: readonly Tensor[],
  expAvgSqs: readonly Tensor[],
  maxExpAvgSqs: readonly Tensor[],
  stateSteps: number[],
  options: AdamOptions,
  decoupled: boolean,
): void {
  checkLists(op, params, { grads, expAvgs, expAvgSqs, stateSteps, ...(options.amsgrad ? { maxExpAvgSqs } : {}) });
  params.forEach((param, index) => {
    const step = stateSteps[index]! + 1;
    const maxExpAvgSq = options.amsgrad ? maxExpAvgSqs[index]! : null;
    adamUpdate_(param, grads[index]!, expAvgs[index]!, expAvgSqs[index]!, maxExpAvgSq, {
      ...options,
      decoupledWeightDecay: decoupled,
      step,
    });
    stateSteps[index] = step;
  });
}
