import { AutogradError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';

/** Given the gradient of an op's output, the gradients of its inputs (null where an input needs none). */
export type BackwardFunction = (gradOutput: Tensor) => ReadonlyArray<Tensor | null>;

/** One recorded op in the autograd graph: its inputs and the closure that holds what backward needs. */
export class GradNode {
  private backwardFunction: BackwardFunction | null;

  constructor(
    readonly name: string,
    readonly inputs: readonly Tensor[],
    backward: BackwardFunction,
  ) {
    this.backwardFunction = backward;
  }

  apply(gradOutput: Tensor): ReadonlyArray<Tensor | null> {
    if (!this.backwardFunction) {
      throw new AutogradError(
        `Trying to backward through the graph a second time (through ${this.name}), or to directly access saved ` +
          'tensors after they have already been freed. Saved intermediate values of the graph are freed when you call ' +
          'backward(). Specify retainGraph: true if you need to backward through the graph a second time.',
      );
    }
    return this.backwardFunction(gradOutput);
  }

  /** Drops the saved tensors (the closure), as PyTorch frees the graph after backward. */
  release(): void {
    this.backwardFunction = null;
  }
}

/**
 * Attaches a GradNode to `output` when grad mode is on and any input requires grad; otherwise leaves it a constant.
 * Every differentiable op in core goes through here, with its backward written beside its forward.
 */
export function record(name: string, output: Tensor, inputs: readonly Tensor[], backward: BackwardFunction): Tensor {
  if (isGradEnabled() && inputs.some((input) => input.requiresGrad)) {
    output.setGradFn(new GradNode(name, inputs, backward));
  }
  return output;
}
