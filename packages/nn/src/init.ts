import { type Generator, LanternError, noGrad, type Tensor } from '@lantern/tensor';

/**
 * torch.nn.init: in-place initialisers that draw from a seedable Generator (the default one unless given), with
 * PyTorch's formulas and order of draws, so `manualSeed(s)` gives PyTorch's initial weights. None of them record
 * autograd history.
 */

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

/** torch.nn.init.calculate_gain: the recommended scale for a nonlinearity (param is leaky_relu's negative slope). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu': {
      const negativeSlope = param ?? 0.01;
      return Math.sqrt(2.0 / (1 + negativeSlope * negativeSlope));
    }
    case 'selu':
      return 3.0 / 4;
    default:
      throw new LanternError(`calculateGain: unsupported nonlinearity '${nonlinearity as string}'`);
  }
}

/** fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field, as PyTorch computes them. */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  if (tensor.ndim < 2) {
    throw new LanternError(
      `init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape [${tensor.shape.join(', ')}])`,
    );
  }
  const receptiveField = tensor.shape.slice(2).reduce((product, extent) => product * extent, 1);
  return { fanIn: tensor.shape[1]! * receptiveField, fanOut: tensor.shape[0]! * receptiveField };
}

function fan(tensor: Tensor, mode: FanMode): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  if (mode !== 'fan_in' && mode !== 'fan_out')
    throw new LanternError(`init: mode '${mode as string}' is not supported, use 'fan_in' or 'fan_out'`);
  return mode === 'fan_in' ? fanIn : fanOut;
}

/** Fills with U(low, high), drawn as PyTorch's uniform_ (bit for bit on float32). */
export function uniform<T extends Tensor>(tensor: T, low = 0, high = 1, generator?: Generator): T {
  return noGrad(() => tensor.uniform_(low, high, generator));
}

/** Fills with N(mean, std²), drawn as PyTorch's normal_. */
export function normal<T extends Tensor>(tensor: T, mean = 0, std = 1, generator?: Generator): T {
  return noGrad(() => tensor.normal_(mean, std, generator));
}

export function constant<T extends Tensor>(tensor: T, value: number): T {
  return noGrad(() => tensor.fill_(value));
}

export const zeros = <T extends Tensor>(tensor: T): T => constant(tensor, 0);
export const ones = <T extends Tensor>(tensor: T): T => constant(tensor, 1);

export interface XavierOptions {
  gain?: number;
  generator?: Generator;
}

/** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform<T extends Tensor>(tensor: T, options: XavierOptions = {}): T {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const std = (options.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  const bound = Math.sqrt(3.0) * std;
  return uniform(tensor, -bound, bound, options.generator);
}

/** Glorot normal: N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavierNormal<T extends Tensor>(tensor: T, options: XavierOptions = {}): T {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  return normal(tensor, 0, (options.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut)), options.generator);
}

export interface KaimingOptions {
  /** Negative slope of the leaky_relu that follows (PyTorch's `a`); 0 by default. */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

function kaimingStd(tensor: Tensor, options: KaimingOptions): number {
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fan(tensor, options.mode ?? 'fan_in'));
}

/** He uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan). Layers use it with a = √5 (PyTorch's default). */
export function kaimingUniform<T extends Tensor>(tensor: T, options: KaimingOptions = {}): T {
  if (tensor.size === 0) return tensor;
  const bound = Math.sqrt(3.0) * kaimingStd(tensor, options);
  return uniform(tensor, -bound, bound, options.generator);
}

/** He normal: N(0, std²) with std = gain / sqrt(fan). */
export function kaimingNormal<T extends Tensor>(tensor: T, options: KaimingOptions = {}): T {
  if (tensor.size === 0) return tensor;
  return normal(tensor, 0, kaimingStd(tensor, options), options.generator);
}

/**
 * The default init of Linear and Conv2d (their reset_parameters): kaiming-uniform with a = √5 for the weight, then
 * U(±1/√fan_in) for the bias, drawn in that order.
 */
export function defaultLayerInit(weight: Tensor, bias: Tensor | null, generator?: Generator): void {
  kaimingUniform(weight, { a: Math.sqrt(5), generator });
  if (!bias) return;
  const { fanIn } = calculateFanInAndFanOut(weight);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform(bias, -bound, bound, generator);
}
