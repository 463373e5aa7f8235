import { getFastKernel, noGrad, type Tensor, tidy } from '@lantern/tensor';
import { checkLists, gradForKernel, updateContiguous } from './in-place.js';

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
 * parameter) are updated in place; `maxExpAvgSqs` is read only when amsgrad. Uses the backend's fused `adamUpdate`
 * kernel when it registers one, else tensor ops.
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
  noGrad(() => {
    params.forEach((param, index) => {
      tidy(() => {
        const step = stateSteps[index]! + 1;
        stateSteps[index] = step;
        const kernel = getFastKernel(param.backend, 'adamUpdate');
        const moments = {
          expAvg: expAvgs[index]!,
          expAvgSq: expAvgSqs[index]!,
          maxExpAvgSq: options.amsgrad ? maxExpAvgSqs[index]! : null,
        };
        if (kernel) {
          const grad = gradForKernel(grads[index]!, param);
          const attributes = {
            lr: options.lr,
            beta1: options.betas[0],
            beta2: options.betas[1],
            eps: options.eps,
            weightDecay: options.weightDecay,
            decoupledWeightDecay: decoupled,
            amsgrad: options.amsgrad,
            maximize: options.maximize,
            step,
          };
          updateContiguous(
            [param, moments.expAvg, moments.expAvgSq, moments.maxExpAvgSq],
            ([parameter, expAvg, expAvgSq, maxExpAvgSq]) =>
              kernel(parameter!, grad.view(), expAvg!, expAvgSq!, maxExpAvgSq ?? null, attributes),
          );
        } else {
          adamComposed(param, grads[index]!, moments, step, options, decoupled);
        }
      });
    });
  });
}

interface Moments {
  readonly expAvg: Tensor;
  readonly expAvgSq: Tensor;
  readonly maxExpAvgSq: Tensor | null;
}

/** The rule in tensor ops, in torch.optim's order, written back with copy_. */
function adamComposed(
  param: Tensor,
  rawGrad: Tensor,
  moments: Moments,
  step: number,
  options: AdamOptions,
  decoupled: boolean,
): void {
  const { lr, eps, weightDecay } = options;
  const [beta1, beta2] = options.betas;
  let grad = options.maximize ? rawGrad.neg() : rawGrad;
  if (decoupled) param.copy_(param.mul(1 - lr * weightDecay));
  else if (weightDecay !== 0) grad = grad.add(param, weightDecay);
  const { expAvg, expAvgSq, maxExpAvgSq } = moments;
  expAvg.copy_(expAvg.mul(beta1).add(grad, 1 - beta1));
  expAvgSq.copy_(expAvgSq.mul(beta2).add(grad.mul(grad), 1 - beta2));
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  let secondMoment = expAvgSq;
  if (maxExpAvgSq) {
    maxExpAvgSq.copy_(maxExpAvgSq.maximum(expAvgSq));
    secondMoment = maxExpAvgSq;
  }
  const denominator = secondMoment.sqrt().div(biasCorrection2Sqrt).add(eps);
  param.copy_(param.add(expAvg.div(denominator), -lr / biasCorrection1));
}
