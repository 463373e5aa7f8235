import { ShapeError } from '../errors.js';
import { matmul } from '../ops/linalg.js';
import {
  contiguous,
  expand,
  flatten,
  flip,
  narrow,
  permute,
  reshape,
  select,
  slice,
  squeeze,
  transpose,
  unsqueeze,
  view,
} from '../ops/movement.js';
import { Tensor } from '../tensor.js';

type Dims = number | readonly number[];
type ShapeArguments = number[] | [readonly number[]];

/** `x.reshape(2, 3)` and `x.reshape([2, 3])` alike, as in PyTorch. */
function shapeArguments(args: ShapeArguments): readonly number[] {
  return Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as number[]);
}

export const movementMethods = {
  reshape(...shape: ShapeArguments): Tensor {
    return reshape(this, shapeArguments(shape));
  },
  view(...shape: ShapeArguments): Tensor {
    // view() with no shape used to return the layout handed to kernels; say where that went.
    if (shape.length === 0) {
      throw new ShapeError(
        'view: expected a shape, as view(2, 3) or view([2, 3]), got none (the layout handed to kernels is kernelView())',
      );
    }
    return view(this, shapeArguments(shape));
  },
  viewAs(other: Tensor): Tensor {
    // viewAs took a shape before it took a tensor, as PyTorch's view_as does; name the method that takes one now.
    if (!(other instanceof Tensor)) {
      throw new ShapeError(`viewAs: expected a Tensor whose shape to take, got ${String(other)}; view(...shape) takes a shape`);
    }
    return view(this, other.shape);
  },
  permute(...dims: ShapeArguments): Tensor {
    return permute(this, shapeArguments(dims));
  },
  transpose(dim0: number, dim1: number): Tensor {
    return transpose(this, dim0, dim1);
  },
  t(): Tensor {
    if (this.ndim >= 2) return transpose(this, 0, 1);
    this.assertNotDisposed('t');
    return this;
  },
  expand(...shape: ShapeArguments): Tensor {
    return expand(this, shapeArguments(shape));
  },
  expandAs(other: Tensor): Tensor {
    return expand(this, other.shape);
  },
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return slice(this, dim, start, end, step);
  },
  narrow(dim: number, start: number, length: number): Tensor {
    return narrow(this, dim, start, length);
  },
  select(dim: number, index: number): Tensor {
    return select(this, dim, index);
  },
  index(index: number): Tensor {
    return select(this, 0, index);
  },
  flip(dims: Dims): Tensor {
    return flip(this, dims);
  },
  squeeze(dims?: Dims): Tensor {
    return squeeze(this, dims);
  },
  unsqueeze(dim: number): Tensor {
    return unsqueeze(this, dim);
  },
  flatten(startDim = 0, endDim = -1): Tensor {
    return flatten(this, startDim, endDim);
  },
  contiguous(): Tensor {
    return contiguous(this);
  },
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  },
} satisfies Partial<Tensor> & ThisType<Tensor>;
