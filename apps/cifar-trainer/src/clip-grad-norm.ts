import { noGrad, stack, type Tensor } from '@lantern/tensor';

/**
 * torch.nn.utils.clip_grad_norm_ (torch 1.13, the 2-norm), in place: the total norm is the norm of the gradients'
 * norms, `‖[‖g₁‖, …, ‖gₙ‖]‖`, and every gradient is multiplied by `min(maxNorm / (total + 1e-6), 1)`, as torch does
 * (it multiplies even when the factor is 1). Parameters without a gradient are skipped. Returns the total norm before
 * clipping, a scalar tensor. Written here from tensor ops because @lantern/nn has no clip_grad_norm_ yet; it belongs
 * there (torch.nn.utils).
 * @example
 * loss.backward();
 * clipGradNorm_(model.parameters(), 1.0);
 * optimizer.step();
 */
export function clipGradNorm_(parameters: Iterable<Tensor>, maxNorm: number): Tensor | undefined {
  const gradients = [...parameters].map((parameter) => parameter.grad).filter((grad): grad is Tensor => grad != null);
  if (gradients.length === 0) return undefined;
  return noGrad(() => {
    const norms = gradients.map((grad) => grad.square().sum().sqrt());
    const total = stack(norms).square().sum().sqrt();
    const coefficient = total.fullLike(maxNorm).div(total.add(1e-6)).clamp(null, 1);
    for (const grad of gradients) grad.copy_(grad.mul(coefficient));
    return total;
  });
}
