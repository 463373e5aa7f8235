import { noGrad } from '../autograd/grad-mode.js';
import type { TensorView } from '../backend.js';
import { isFloating } from '../dtype.js';
import { getFastKernel } from '../engine.js';
import { BackendMismatchError, DTypeError, formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { keep, tidy } from '../scope.js';
import { isContiguous } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** torch.optim.SGD's hyperparameters; all but `lr` default as in torch. */
export interface SgdUpdateOptions {
  readonly lr: number;
  /** Momentum factor μ (default 0: plain SGD, no buffer). */
  readonly momentum?: number;
  /** Dampening τ of the gradient added to the buffer (default 0); the first step ignores it. */
  readonly dampening?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  readonly weightDecay?: number;
  /** Nesterov momentum (default false). */
  readonly nesterov?: boolean;
  /** Ascend the objective instead of descending it (default false). */
  readonly maximize?: boolean;
}

/** torch.optim.Adam's and AdamW's hyperparameters and the step count; all but `lr` and `step` default as in torch. */
export interface AdamUpdateOptions {
  readonly lr: number;
  /** Decay rates (β1, β2) of the moment estimates (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  readonly eps?: number;
  /** Weight decay λ (default 0): added to the gradient (Adam) or applied to the parameter (AdamW). */
  readonly weightDecay?: number;
  /** AdamW: decay the parameter directly instead of adding λ·p to the gradient (default false). */
  readonly decoupledWeightDecay?: boolean;
  /** Normalise by the running maximum of the second moment (default false); needs `maxExpAvgSq`. */
  readonly amsgrad?: boolean;
  /** Ascend the objective instead of descending it (default false). */
  readonly maximize?: boolean;
  /** The step count after this step: 1 on the first step. */
  readonly step: number;
}

/**
 * One SGD step of `param`, in place: torch.optim's single-tensor rule (torch 1.13), as torch's `_fused_sgd_` runs it.
 * With gradient g:
 *
 *     g ← −g                            if maximize
 *     g ← g + λ·p                       if weightDecay λ ≠ 0
 *     if momentum μ ≠ 0:
 *       b ← g                           on the first step (momentumBuffer null): a copy of g, no dampening
 *       b ← μ·b + (1 − τ)·g             on later steps
 *       g ← g + μ·b  if nesterov,  else  g ← b
 *     p ← p − lr·g
 *
 * Runs the backend's fused `sgdUpdate` kernel when it registers one, otherwise the same rule as tensor ops; either
 * way under noGrad, and a strided parameter or buffer is updated where it lies. Returns the momentum buffer: on the
 * first step with momentum a new one, exempt from the enclosing tidy() scopes (it is optimizer state), else the one
 * given (null without momentum).
 * @example
 * let buffer = sgdUpdate_(weight, weight.grad!, null, { lr: 0.1, momentum: 0.9 }); // first step: buffer ← grad
 * buffer = sgdUpdate_(weight, weight.grad!, buffer, { lr: 0.1, momentum: 0.9 });
 */
export function sgdUpdate_(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, options: SgdUpdateOptions): Tensor | null {
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options;
  const usesBuffer = momentum !== 0;
  checkOperands('sgdUpdate_', param, grad, { momentumBuffer: usesBuffer ? momentumBuffer : null });
  let buffer = usesBuffer ? momentumBuffer : null;
  noGrad(() =>
    tidy(() => {
      const direction = grad.cast(param.dtype);
      const kernel = getFastKernel(param.backend, 'sgdUpdate');
      if (kernel) {
        const firstStep = usesBuffer && buffer === null;
        if (firstStep) buffer = keep(param.zerosLike());
        const attributes = { lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep };
        const contiguousGrad = direction.contiguous();
        updateContiguous('sgdUpdate_', [param, buffer], ([parameter, momentumView]) =>
          kernel(parameter!, contiguousGrad.kernelView('sgdUpdate_', param.backend), momentumView ?? null, attributes),
        );
        return;
      }
      // The composition, in the order torch.optim applies the rule, written back with copy_.
      let step = maximize ? direction.neg() : direction;
      if (weightDecay !== 0) step = step.add(param, weightDecay);
      if (usesBuffer) {
        if (buffer === null) buffer = keep(step.clone());
        else buffer.copy_(buffer.mul(momentum).add(step, 1 - dampening));
        step = nesterov ? step.add(buffer, momentum) : buffer;
      }
      param.copy_(param.add(step, -lr));
    }),
  );
  return usesBuffer ? buffer : momentumBuffer;
}

/**
 * One Adam or AdamW step of `param`, in place: torch.optim's single-tensor rule (torch 1.13), as torch's
 * `_fused_adam_` runs it. With gradient g, moment estimates m and v (zero before the first step) and t = `step`:
 *
 *     g ← −g                                 if maximize
 *     g ← g + λ·p                            if weightDecay λ ≠ 0 (Adam)
 *     p ← p·(1 − lr·λ)                       AdamW (decoupledWeightDecay) instead
 *     m ← β1·m + (1 − β1)·g
 *     v ← β2·v + (1 − β2)·g²
 *     v̂ ← max(v̂, v) and use v̂ below          if amsgrad (v̂ = maxExpAvgSq, starting at zero)
 *     p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)
 *
 * So the first step moves each element by lr·sign(g) (up to eps). Runs the backend's fused `adamUpdate` kernel when
 * it registers one, otherwise the same rule as tensor ops; either way under noGrad, and strided tensors are updated
 * where they lie. `maxExpAvgSq` is read only with amsgrad.
 * @example
 * const [expAvg, expAvgSq] = [weight.zerosLike(), weight.zerosLike()];
 * adamUpdate_(weight, weight.grad!, expAvg, expAvgSq, null, { lr: 1e-3, step: 1 });
 */
export function adamUpdate_(
  param: Tensor,
  grad: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  maxExpAvgSq: Tensor | null,
  options: AdamUpdateOptions,
): void {
  const { lr, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, step } = options;
  const { decoupledWeightDecay = false, amsgrad = false, maximize = false } = options;
  const [beta1, beta2] = betas;
  if (!Number.isInteger(step) || step < 1) {
    throw new InvalidArgumentError(`adamUpdate_: step is the count after this step (1 on the first), got ${step}`);
  }
  if (amsgrad && maxExpAvgSq === null) {
    throw new InvalidArgumentError('adamUpdate_: amsgrad needs maxExpAvgSq (the running maximum of expAvgSq), got null');
  }
  const runningMaximum = amsgrad ? maxExpAvgSq : null;
  checkOperands('adamUpdate_', param, grad, { expAvg, expAvgSq, maxExpAvgSq: runningMaximum });
  noGrad(() =>
    tidy(() => {
      let direction = grad.cast(param.dtype);
      const kernel = getFastKernel(param.backend, 'adamUpdate');
      if (kernel) {
        const attributes = { lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, amsgrad, maximize, step };
        const contiguousGrad = direction.contiguous();
        updateContiguous('adamUpdate_', [param, expAvg, expAvgSq, runningMaximum], ([parameter, first, second, maximum]) =>
          kernel(
            parameter!,
            contiguousGrad.kernelView('adamUpdate_', param.backend),
            first!,
            second!,
            maximum ?? null,
            attributes,
          ),
        );
        return;
      }
      // The composition, in the order torch.optim applies the rule, written back with copy_.
      if (maximize) direction = direction.neg();
      if (decoupledWeightDecay) param.copy_(param.mul(1 - lr * weightDecay));
      else if (weightDecay !== 0) direction = direction.add(param, weightDecay);
      expAvg.copy_(expAvg.mul(beta1).add(direction, 1 - beta1));
      expAvgSq.copy_(expAvgSq.mul(beta2).add(direction.mul(direction), 1 - beta2));
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
      let secondMoment = expAvgSq;
      if (runningMaximum) {
        runningMaximum.copy_(runningMaximum.maximum(expAvgSq));
        secondMoment = runningMaximum;
      }
      const denominator = secondMoment.sqrt().div(biasCorrection2Sqrt).add(eps);
      param.copy_(param.add(expAvg.div(denominator), -lr / biasCorrection1));
    }),
  );
}

/** A floating parameter, and a gradient and state of its shape on its backend; state also in its dtype. */
function checkOperands(op: string, param: Tensor, grad: Tensor, state: Record<string, Tensor | null>): void {
  if (!isFloating(param.dtype)) {
    throw new DTypeError(`${op}: param has dtype ${param.dtype}; only floating point parameters can be updated`);
  }
  const named = Object.entries({ grad, ...state }).filter((entry): entry is [string, Tensor] => entry[1] !== null);
  for (const [name, tensor] of named) {
    if (tensor.backend !== param.backend) {
      throw new BackendMismatchError(
        op,
        param.backend.name,
        tensor.backend.name,
        ` (the ${name}, shape ${formatShape(tensor.shape)})`,
      );
    }
    if (tensor.shape.length !== param.shape.length || tensor.shape.some((extent, axis) => extent !== param.shape[axis])) {
      throw new ShapeError(
        `${op}: ${name} has shape ${formatShape(tensor.shape)}, but param has shape ${formatShape(param.shape)}`,
      );
    }
    if (name !== 'grad' && tensor.dtype !== param.dtype) {
      throw new DTypeError(`${op}: ${name} has dtype ${tensor.dtype}, but param has dtype ${param.dtype}`);
    }
  }
}

/**
 * Hands a fused kernel contiguous views of `tensors` and leaves its results in the tensors themselves. The fast
 * kernels walk storage linearly from a view's offset, so a strided tensor (a transposed parameter, say) is updated
 * through a contiguous copy that is then copied back; contiguous ones (the usual case) are written directly.
 */
function updateContiguous(op: string, tensors: readonly (Tensor | null)[], update: (views: (TensorView | null)[]) => void): void {
  const backend = tensors[0]!.backend;
  const working = tensors.map((tensor) =>
    tensor === null || isContiguous(tensor.shape, tensor.strides) ? tensor : tensor.contiguous(),
  );
  update(working.map((tensor) => tensor?.kernelView(op, backend) ?? null));
  tensors.forEach((tensor, index) => {
    if (tensor !== null && working[index] !== tensor) tensor.copy_(working[index]!);
  });
}
