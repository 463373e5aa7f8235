import {
  formatShape,
  InvalidArgumentError,
  noGrad,
  observeOp,
  observingOps,
  ones,
  ShapeError,
  type Tensor,
  zeros,
} from '@lantern/tensor';
import { constant } from './init.js';
import { emptyParameter, formatFloat, type LayerOptions } from './layer-options.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

export interface BatchNormOptions {
  /** Running statistics to use in eval mode and to update in training mode (both or neither). */
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with the batch's statistics (and update the running ones) rather than with the running ones. */
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * torch.nn.functional.batch_norm over dim 1 of [N, C, ...]: (x - mean) / sqrt(var + eps) * weight + bias. In training
 * it uses the batch's biased variance and updates the running statistics in place with the unbiased one:
 * running = (1 - momentum) * running + momentum * batch.
 */
export function batchNorm(input: Tensor, options: BatchNormOptions = {}): Tensor {
  if (observingOps) return observeOp('batchNorm', batchNorm, [input, options]);
  if (input.ndim < 2)
    throw new ShapeError(`batchNorm: expected an input of at least 2 dims [N, C, ...], got ${formatShape(input.shape)}`);
  const channels = input.shape[1]!;
  const broadcast = input.shape.map((extent, axis) => (axis === 1 ? extent : 1));
  const axes = input.shape.map((_, axis) => axis).filter((axis) => axis !== 1);
  const {
    runningMean = null,
    runningVar = null,
    weight = null,
    bias = null,
    training = false,
    momentum = 0.1,
    eps = 1e-5,
  } = options;
  for (const [name, tensor] of [
    ['runningMean', runningMean],
    ['runningVar', runningVar],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (tensor && (tensor.ndim !== 1 || tensor.shape[0] !== channels)) {
      throw new ShapeError(
        `batchNorm: ${name} ${formatShape(tensor.shape)} does not match the ${channels} channels of input ${formatShape(input.shape)}`,
      );
    }
  }
  let mean: Tensor, variance: Tensor;
  if (training) {
    const count = input.size / channels;
    if (count <= 1)
      throw new ShapeError(
        `batchNorm: expected more than 1 value per channel when training, got input size ${formatShape(input.shape)}`,
      );
    mean = input.mean(axes, true);
    variance = input.var(axes, true, 0);
    noGrad(() => {
      if (runningMean) runningMean.copy_(runningMean.mul(1 - momentum).add(mean.reshape([channels]).mul(momentum)));
      if (runningVar)
        runningVar.copy_(runningVar.mul(1 - momentum).add(variance.reshape([channels]).mul((momentum * count) / (count - 1))));
    });
  } else {
    if (!runningMean || !runningVar)
      throw new InvalidArgumentError('batchNorm: running statistics are required when training is false');
    mean = runningMean.reshape(broadcast);
    variance = runningVar.reshape(broadcast);
  }
  let output = input.sub(mean).mul(variance.add(eps).rsqrt());
  if (weight) output = output.mul(weight.reshape(broadcast));
  if (bias) output = output.add(bias.reshape(broadcast));
  return output;
}

export interface BatchNormLayerOptions extends Omit<LayerOptions, 'generator'> {
  eps?: number;
  /** Weight of the newest batch in the running statistics; null gives the cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learn a per-channel weight and bias (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
}

/** The shared body of BatchNorm1d and BatchNorm2d, as torch's _BatchNorm. Buffers keep PyTorch's names. */
abstract class BatchNormBase extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    options: BatchNormLayerOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.weight = this.affine ? constant(emptyParameter([numFeatures], options), 1) : null;
    this.bias = this.affine ? emptyParameter([numFeatures], options) : null;
    const creation = { dtype: options.dtype ?? 'float32', backend: options.backend };
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], creation) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures], creation) : null);
    this.registerBuffer('num_batches_tracked', track ? zeros([], { dtype: 'int32', backend: options.backend }) : null);
  }

  get runningMean(): Tensor | null {
    return this.buffer('running_mean');
  }
  get runningVar(): Tensor | null {
    return this.buffer('running_var');
  }
  get numBatchesTracked(): Tensor | null {
    return this.buffer('num_batches_tracked');
  }

  protected abstract checkInput(input: Tensor): void;

  forward(input: Tensor): Tensor {
    this.checkInput(input);
    if (input.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `${this.constructor.name}: expected ${this.numFeatures} channels in dim 1, got input ${formatShape(input.shape)}`,
      );
    }
    let momentum = this.momentum ?? 0;
    const tracked = this.numBatchesTracked;
    if (this.training && tracked) {
      noGrad(() => tracked.copy_(tracked.add(1)));
      if (this.momentum === null) momentum = 1 / tracked.item();
    }
    // As PyTorch: batch statistics in training, and in eval too when no running statistics are kept.
    const useBatchStatistics = this.training || !this.runningMean;
    const updateRunning = !this.training || this.trackRunningStats;
    return batchNorm(input, {
      runningMean: updateRunning ? this.runningMean : null,
      runningVar: updateRunning ? this.runningVar : null,
      weight: this.weight,
      bias: this.bias,
      training: useBatchStatistics,
      momentum,
      eps: this.eps,
    });
  }

  protected override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : formatFloat(this.momentum);
    return (
      `${this.numFeatures}, eps=${formatFloat(this.eps)}, momentum=${momentum}, affine=${this.affine ? 'True' : 'False'}, ` +
      `track_running_stats=${this.trackRunningStats ? 'True' : 'False'}`
    );
  }
}

/** Batch normalisation of [N, C] or [N, C, L] over N (and L), per channel C. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInput(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3)
      throw new ShapeError(`BatchNorm1d: expected 2D or 3D input, got ${formatShape(input.shape)}`);
  }
}

/**
 * Batch normalisation of [N, C, H, W] over N, H and W, per channel C.
 * @example
 * const bn = new BatchNorm2d(32); bn(randn([8, 32, 16, 16])); bn.runningMean // updated; bn.eval() then uses it
 */
export class BatchNorm2d extends BatchNormBase {
  protected checkInput(input: Tensor): void {
    if (input.ndim !== 4) throw new ShapeError(`BatchNorm2d: expected 4D input, got ${formatShape(input.shape)}`);
  }
}
