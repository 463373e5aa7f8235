import { linear, type Tensor } from '@lantern/tensor';
import { defaultLayerInit } from './init.js';
import { emptyParameter, type LayerOptions } from './layer-options.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

export interface LinearOptions extends LayerOptions {
  bias?: boolean;
}

/**
 * y = x Wᵀ + b with weight [out, in] and bias [out], initialised as PyTorch's Linear.
 * @example
 * new Linear(1024, 64)(randn([8, 1024])).shape // [8, 64]
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    this.weight = emptyParameter([outFeatures, inFeatures], options);
    this.bias = (options.bias ?? true) ? emptyParameter([outFeatures], options) : null;
    defaultLayerInit(this.weight, this.bias, options.generator);
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}

/** Returns its input, as torch's Identity (a placeholder where a layer is optional). */
export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
}

/**
 * Flattens dims startDim..endDim into one (by default all but the batch dim), as torch's Flatten.
 * @example
 * new Flatten()(zeros([8, 64, 4, 4])).shape // [8, 1024]
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  protected override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
