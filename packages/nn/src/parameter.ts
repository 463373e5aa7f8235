import { keep, Tensor } from '@lantern/tensor';

/**
 * A tensor that a Module owns as a learnable parameter, like torch.nn.Parameter: a leaf that requires grad by default.
 * Assigning one to a module's field registers it under the field's name. It shares storage with `data` and is exempt
 * from tidy() scopes, because a parameter outlives the step that created it.
 * @example
 * class Scale extends Module { factor = new Parameter(ones([3])); forward(x: Tensor) { return x.mul(this.factor); } }
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    data.assertNotDisposed('Parameter'); // before sharing its storage
    super(data.storage, data.shape, data.strides, data.offset);
    if (requiresGrad) this.requiresGrad = true;
    keep(this);
  }
}
