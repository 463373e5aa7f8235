import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type Pair, type Tensor, toPair } from '@lantern/tensor';
import { acceptingUnbatched, formatPair } from './layer-options.js';
import { Module } from './module.js';

export interface MaxPool2dOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

/**
 * Max pooling over [N, C, H, W], as torch's MaxPool2d (the gradient goes to the first maximum of each window).
 * @example
 * new MaxPool2d(2)(zeros([1, 32, 32, 32])).shape // [1, 32, 16, 16]
 */
export class MaxPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, options: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }

  /** input [N, C, H, W] or unbatched [C, H, W]. */
  forward(input: Tensor): Tensor {
    return acceptingUnbatched(input, (batched) => this.forwardWithIndices(batched).values);
  }

  /** The maxima and their flat indices into each input plane (PyTorch's return_indices=True); [N, C, H, W] input. */
  forwardWithIndices(input: Tensor): { values: Tensor; indices: Tensor } {
    return maxPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    });
  }

  protected override extraRepr(): string {
    const show = (value: Pair) => (typeof value === 'number' ? String(value) : formatPair(value));
    return (
      `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}, ` +
      `dilation=${show(this.dilation)}, ceil_mode=${this.ceilMode ? 'True' : 'False'}`
    );
  }
}

export interface AvgPool2dLayerOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** Average pooling over [N, C, H, W] with PyTorch's divisor rules. */
export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly options: Required<AvgPool2dLayerOptions>;

  constructor(kernelSize: Pair, options: AvgPool2dLayerOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.options = {
      stride: options.stride ?? kernelSize,
      padding: options.padding ?? 0,
      ceilMode: options.ceilMode ?? false,
      countIncludePad: options.countIncludePad ?? true,
      divisorOverride: options.divisorOverride ?? null,
    };
  }

  forward(input: Tensor): Tensor {
    return acceptingUnbatched(input, (batched) => avgPool2d(batched, this.kernelSize, this.options));
  }

  protected override extraRepr(): string {
    const show = (value: Pair) => (typeof value === 'number' ? String(value) : formatPair(value));
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.options.stride!)}, padding=${show(this.options.padding)}`;
  }
}

/** Output extents; null keeps the input's extent along that dim, as None does in PyTorch. */
export type AdaptiveOutputSize = number | readonly [number | null, number | null];

/**
 * Average pooling to a fixed output size whatever the input size, as torch's AdaptiveAvgPool2d.
 * @example
 * new AdaptiveAvgPool2d(1)(zeros([2, 64, 7, 5])).shape // [2, 64, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveOutputSize) {
    super();
  }

  forward(input: Tensor): Tensor {
    const [height, width] = typeof this.outputSize === 'number' ? toPair(this.outputSize) : this.outputSize;
    const size: [number, number] = [height ?? input.shape[input.ndim - 2]!, width ?? input.shape[input.ndim - 1]!];
    return acceptingUnbatched(input, (batched) => adaptiveAvgPool2d(batched, size));
  }

  protected override extraRepr(): string {
    const size = this.outputSize;
    return `output_size=${typeof size === 'number' ? size : `(${size.map((extent) => extent ?? 'None').join(', ')})`}`;
  }
}
