import { conv2d, InvalidArgumentError, type Pair, type Tensor, toPair } from '@lantern/tensor';
import { defaultLayerInit } from './init.js';
import { acceptingUnbatched, emptyParameter, formatPair, type LayerOptions } from './layer-options.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

export interface Conv2dLayerOptions extends LayerOptions {
  stride?: Pair;
  /** Zero padding per side, or 'valid' (none) or 'same' (output size = input size; stride 1 only). */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

/**
 * 2-D convolution with weight [out, in/groups, kh, kw] and bias [out], initialised as PyTorch's Conv2d.
 * @example
 * new Conv2d(3, 32, 5, { padding: 2 })(randn([1, 3, 32, 32])).shape // [1, 32, 32, 32]
 */
export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    this.kernelSize = toPair(kernelSize);
    this.stride = toPair(options.stride ?? 1);
    this.dilation = toPair(options.dilation ?? 1);
    this.groups = options.groups ?? 1;
    const padding = options.padding ?? 0;
    this.padding = typeof padding === 'string' ? padding : toPair(padding);
    const groups = this.groups;
    if (!Number.isInteger(groups) || groups <= 0)
      throw new InvalidArgumentError(`Conv2d: groups must be a positive integer, got ${groups}`);
    if (inChannels % groups !== 0)
      throw new InvalidArgumentError(`Conv2d: in_channels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0)
      throw new InvalidArgumentError(`Conv2d: out_channels (${outChannels}) must be divisible by groups (${groups})`);
    if (padding !== 'same' && padding !== 'valid' && typeof padding === 'string') {
      throw new InvalidArgumentError(`Conv2d: invalid padding string '${padding as string}', should be one of 'valid', 'same'`);
    }
    if (padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) {
      throw new InvalidArgumentError("Conv2d: padding='same' is not supported for strided convolutions");
    }
    this.weight = emptyParameter([outChannels, inChannels / this.groups, ...this.kernelSize], options);
    this.bias = (options.bias ?? true) ? emptyParameter([outChannels], options) : null;
    defaultLayerInit(this.weight, this.bias, options.generator);
  }

  /** input [N, C, H, W] or unbatched [C, H, W]. */
  forward(input: Tensor): Tensor {
    const options = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
    return acceptingUnbatched(input, (batched) => conv2d(batched, this.weight, this.bias, options));
  }

  protected override extraRepr(): string {
    const parts = [
      `${this.inChannels}, ${this.outChannels}, kernel_size=${formatPair(this.kernelSize)}, stride=${formatPair(this.stride)}`,
    ];
    if (typeof this.padding === 'string') parts.push(`padding=${this.padding}`);
    else if (this.padding.some((side) => side !== 0)) parts.push(`padding=${formatPair(this.padding)}`);
    if (this.dilation.some((step) => step !== 1)) parts.push(`dilation=${formatPair(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=False');
    return parts.join(', ');
  }
}
