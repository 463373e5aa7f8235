import { compileHooks } from '../compile/hooks.js';
import type { Storage } from '../engine.js';
import { AutogradError, BackendMismatchError, formatShape, ShapeError } from '../errors.js';
import { keep, tidy } from '../scope.js';
import { isContiguous } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';

/** Tensors reachable from `root` through grad functions, ordered so every tensor comes before its inputs. */
function reverseTopologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: a deep training graph must not overflow the JS call stack.
  const stack: Array<[Tensor, boolean]> = [[root, false]];
  while (stack.length > 0) {
    const [tensor, expanded] = stack.pop()!;
    if (expanded) {
      order.push(tensor);
      continue;
    }
    if (visited.has(tensor)) continue;
    visited.add(tensor);
    stack.push([tensor, true]);
    for (const input of tensor.gradFn?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push([input, false]);
    }
  }
  return order.reverse();
}

/**
 * PyTorch's AccumulateGrad: the first gradient becomes `.grad` as is when nothing else can see its storage, else a
 * copy, so an in-place zero_() of `.grad` never reaches another tensor. Gradients are made during this pass from the
 * seed, so only two storages can be visible elsewhere: the caller's `gradient` (the seed) and one already given to
 * another tensor's `.grad` (add hands the same gradient to both operands). Later gradients are added in place.
 */
function accumulateInto(tensor: Tensor, grad: Tensor, seed: Tensor, given: Set<Storage>): void {
  compileHooks.gradAccumulate?.(tensor);
  if (tensor.grad) {
    const sum = tensor.grad.add(grad);
    tensor.grad.copy_(sum);
    sum.dispose();
    return;
  }
  const owned = grad.storage !== seed.storage && !given.has(grad.storage) && isContiguous(grad.shape, grad.strides);
  tensor.grad = keep(owned ? grad : grad.clone());
  given.add(tensor.grad.storage);
}

/** PyTorch's backward: gradients flow from `root` to every leaf that requires grad, accumulating into `.grad`. */
export function runBackward(root: Tensor, gradient: Tensor | undefined, retainGraph: boolean): void {
  if (!root.requiresGrad) {
    throw new AutogradError('element 0 of tensors does not require grad and does not have a grad_fn');
  }
  if (gradient === undefined && root.size !== 1) {
    throw new AutogradError('grad can be implicitly created only for scalar outputs');
  }
  root.assertNotDisposed('backward');
  if (gradient) {
    gradient.assertNotDisposed('backward');
    if (gradient.backend !== root.backend) {
      throw new BackendMismatchError('backward', root.backend.name, gradient.backend.name, ' (the gradient given to backward)');
    }
  }
  // Inside tidy: every intermediate gradient is freed as soon as backward returns (only the kept `.grad` tensors
  // survive), so backends whose memory the garbage collector cannot see reuse it at once instead of at the next GC.
  noGrad(() =>
    tidy(() => {
      const seed = gradient ?? root.onesLike();
      if (seed.shape.join() !== root.shape.join()) {
        throw new ShapeError(
          `backward: gradient shape ${formatShape(seed.shape)} does not match output shape ${formatShape(root.shape)}`,
        );
      }
      const grads = new Map<Tensor, Tensor>([[root, seed]]);
      const given = new Set<Storage>();
      for (const tensor of reverseTopologicalOrder(root)) {
        const grad = grads.get(tensor);
        if (!grad) continue;
        grads.delete(tensor);
        const node = tensor.gradFn;
        if (!node || tensor.retainsGrad) accumulateInto(tensor, grad, seed, given);
        if (!node) continue;
        const inputGrads = node.apply(grad);
        if (!retainGraph) node.release();
        node.inputs.forEach((input, index) => {
          const inputGrad = inputGrads[index];
          if (!inputGrad || !input.requiresGrad) return;
          const previous = grads.get(input);
          grads.set(input, previous ? previous.add(inputGrad) : inputGrad);
        });
      }
    }),
  );
}
