import { amax, amin, argExtreme, extremeAlongDim, mean, std, sum, type ValuesAndIndices, variance } from '../ops/reduce.js';
import type { Tensor } from '../tensor.js';

type Dims = number | readonly number[];

function max(this: Tensor): Tensor;
function max(this: Tensor, dim: number, keepdim?: boolean): ValuesAndIndices;
function max(this: Tensor, dim?: number, keepdim = false): Tensor | ValuesAndIndices {
  return dim === undefined ? amax(this) : extremeAlongDim('max', this, dim, keepdim);
}

function min(this: Tensor): Tensor;
function min(this: Tensor, dim: number, keepdim?: boolean): ValuesAndIndices;
function min(this: Tensor, dim?: number, keepdim = false): Tensor | ValuesAndIndices {
  return dim === undefined ? amin(this) : extremeAlongDim('min', this, dim, keepdim);
}

export const reduceMethods = {
  sum(dims?: Dims, keepdim = false): Tensor {
    return sum(this, dims, keepdim);
  },
  mean(dims?: Dims, keepdim = false): Tensor {
    return mean(this, dims, keepdim);
  },
  var(dims?: Dims, keepdim = false, correction = 1): Tensor {
    return variance(this, dims, keepdim, correction);
  },
  std(dims?: Dims, keepdim = false, correction = 1): Tensor {
    return std(this, dims, keepdim, correction);
  },
  amax(dims?: Dims, keepdim = false): Tensor {
    return amax(this, dims, keepdim);
  },
  amin(dims?: Dims, keepdim = false): Tensor {
    return amin(this, dims, keepdim);
  },
  max,
  min,
  argmax(dim?: number, keepdim = false): Tensor {
    return argExtreme('argmax', this, dim, keepdim);
  },
  argmin(dim?: number, keepdim = false): Tensor {
    return argExtreme('argmin', this, dim, keepdim);
  },
} satisfies Partial<Tensor> & ThisType<Tensor>;
