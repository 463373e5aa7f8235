import { AutogradError, ShapeError, formatShape } from '../errors.js';
import { keep } from '../scope.js';
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

// The first gradient is copied, as PyTorch's AccumulateGrad clones a gradient it does not own: the incoming tensor
// may be the caller's `gradient` argument or a view of another, and an in-place zero_() of .grad must not reach it.
function accumulateInto(tensor: Tensor, grad: Tensor): void {
  tensor.grad = keep(tensor.grad ? tensor.grad.add(grad) : grad.clone());
}

/** PyTorch's backward: gradients flow from `root` to every leaf that requires grad, accumulating into `.grad`. */
export function runBackward(root: Tensor, gradient: Tensor | undefined, retainGraph: boolean): void {
  if (!root.requiresGrad) {
    throw new AutogradError('element 0 of tensors does not require grad and does not have a grad_fn');
  }
  if (gradient === undefined && root.size !== 1) {
    throw new AutogradError('grad can be implicitly created only for scalar outputs');
  }
  noGrad(() => {
    const seed = gradient ?? root.onesLike();
    if (seed.shape.join() !== root.shape.join()) {
      throw new ShapeError(`backward: gradient shape ${formatShape(seed.shape)} does not match output shape ${formatShape(root.shape)}`);
    }
    const grads = new Map<Tensor, Tensor>([[root, seed]]);
    for (const tensor of reverseTopologicalOrder(root)) {
      const grad = grads.get(tensor);
      if (!grad) continue;
      grads.delete(tensor);
      const node = tensor.gradFn;
      if (!node || tensor.retainsGrad) accumulateInto(tensor, grad);
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
  });
}
