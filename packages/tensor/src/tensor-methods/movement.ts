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
  viewAs,
} from '../ops/movement.js';
import type { Tensor } from '../tensor.js';

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
  viewAs(...shape: ShapeArguments): Tensor {
    return viewAs(this, shapeArguments(shape));
  },
  permute(...dims: ShapeArguments): Tensor {
    return permute(this, shapeArguments(dims));
  },
  transpose(dim0: number, dim1: number): Tensor {
    return transpose(this, dim0, dim1);
  },
  t(): Tensor {
    return this.ndim < 2 ? this : transpose(this, 0, 1);
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
