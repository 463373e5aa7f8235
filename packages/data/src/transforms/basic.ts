import { isFloating, keep, Tensor, tensor } from '@lantern/tensor';
import { TransformError } from '../errors.js';
import { RawImage } from '../image.js';

/** A transform is a plain function, so any `(x) => y` composes with the built-in ones. */
export type Transform<Input, Output> = (input: Input) => Output;

// The built-in transforms are factories named like torchvision's classes, so a pipeline reads as it does in PyTorch:
// Compose([RandomCrop(32, { padding: 4 }), RandomHorizontalFlip(), ToTensor(), Normalize(mean, std)]).

/**
 * Applies transforms in order, as torchvision's Compose.
 * @example
 * const transform = Compose([ToTensor(), Normalize([0.5], [0.5])]);
 */
// biome-ignore lint/suspicious/noExplicitAny: as torchvision's Compose, steps of any types chain; callers name the ends.
export function Compose<Input = any, Output = any>(transforms: ReadonlyArray<Transform<any, any>>): Transform<Input, Output> {
  const steps = [...transforms];
  return (input) => steps.reduce((value, step) => step(value), input as unknown) as Output;
}

/** Wraps a function as a transform, as torchvision's Lambda (a plain function works just as well). */
export function Lambda<Input, Output>(fn: (input: Input) => Output): Transform<Input, Output> {
  if (typeof fn !== 'function') throw new TransformError(`Lambda: expected a function, got ${typeof fn}`);
  return (input) => fn(input);
}

/**
 * torchvision's ToTensor: a uint8 HWC RawImage becomes a float32 CHW tensor with values in [0, 1] (each byte / 255,
 * rounded to float32 as PyTorch's division is).
 * @example
 * ToTensor()(new RawImage(bytes, 32, 32, 3)).shape // [3, 32, 32]
 */
export function ToTensor(): Transform<RawImage, Tensor> {
  return (image) => {
    if (!(image instanceof RawImage)) {
      throw new TransformError(
        `ToTensor: expected a RawImage (uint8, HWC), got ${image === null ? 'null' : ((image as object)?.constructor?.name ?? typeof image)}`,
      );
    }
    const { data, height, width, channels } = image;
    const plane = height * width;
    const values = new Float32Array(plane * channels);
    for (let pixel = 0; pixel < plane; pixel++) {
      for (let channel = 0; channel < channels; channel++)
        values[channel * plane + pixel] = data[pixel * channels + channel]! / 255;
    }
    return tensor(values, { shape: [channels, height, width] });
  };
}

/**
 * torchvision's Normalize: `(input - mean[c]) / std[c]` per channel of a float tensor shaped [..., C, H, W].
 * @example
 * Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261])(ToTensor()(image))
 */
export function Normalize(mean: readonly number[], std: readonly number[]): Transform<Tensor, Tensor> {
  if (mean.length === 0 || mean.length !== std.length) {
    throw new TransformError(`Normalize: mean and std need the same non-zero length, got ${mean.length} and ${std.length}`);
  }
  if (std.some((value) => Math.fround(value) === 0)) {
    throw new TransformError(
      `Normalize: std evaluated to zero after conversion to float32, leading to division by zero (std ${std.join(', ')})`,
    );
  }
  // Built once per backend and dtype (a pipeline normalises thousands of images with the same two small tensors) and
  // kept out of any enclosing tidy(), which would otherwise dispose them under the next call.
  const constants = new Map<string, { mean: Tensor; std: Tensor }>();
  return (input) => {
    if (!(input instanceof Tensor)) throw new TransformError('Normalize: expected a Tensor; apply ToTensor() first');
    if (!isFloating(input.dtype))
      throw new TransformError(`Normalize: input tensor should be a float tensor, got ${input.dtype}`);
    if (input.ndim < 3)
      throw new TransformError(
        `Normalize: expected a tensor image of size (..., C, H, W), got shape [${input.shape.join(', ')}]`,
      );
    const channels = input.shape[input.ndim - 3]!;
    if (mean.length !== 1 && mean.length !== channels) {
      throw new TransformError(
        `Normalize: ${mean.length} means/stds for an input of shape [${input.shape.join(', ')}] with ${channels} channels`,
      );
    }
    const key = `${input.backend.name}:${input.dtype}`;
    let pair = constants.get(key);
    if (!pair) {
      const options = { dtype: input.dtype, backend: input.backend.name, shape: [mean.length, 1, 1] };
      pair = { mean: keep(tensor([...mean], options)), std: keep(tensor([...std], options)) };
      constants.set(key, pair);
    }
    return input.sub(pair.mean).div(pair.std);
  };
}
