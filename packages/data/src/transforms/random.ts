import { defaultGenerator, type Generator, pad, Tensor } from '@lantern/tensor';
import { TransformError } from '../errors.js';
import { RawImage } from '../image.js';
import type { Transform } from './basic.js';

export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

export interface RandomCropOptions {
  /** torchvision's padding: one number for all sides, [leftRight, topBottom], or [left, top, right, bottom]. */
  padding?: number | readonly number[];
  /** Pad the image further when it is smaller than the crop (torchvision's pad_if_needed). */
  padIfNeeded?: boolean;
  /** Value for constant padding: one for every channel, or one per channel (images only). */
  fill?: number | readonly number[];
  /** How to pad; tensors support 'constant' only. */
  paddingMode?: PaddingMode;
  generator?: Generator;
}

type Sides = [left: number, top: number, right: number, bottom: number];

function sides(padding: number | readonly number[]): Sides {
  const values = typeof padding === 'number' ? [padding] : [...padding];
  if (values.some((value) => !Number.isInteger(value) || value < 0) || ![1, 2, 4].includes(values.length)) {
    throw new TransformError(
      `RandomCrop: padding must be a non-negative integer or a sequence of 1, 2 or 4 of them, got ${JSON.stringify(padding)}`,
    );
  }
  if (values.length === 1) return [values[0]!, values[0]!, values[0]!, values[0]!];
  if (values.length === 2) return [values[0]!, values[1]!, values[0]!, values[1]!];
  return values as Sides;
}

// Maps an index into a padded axis back to the unpadded axis of `size` (-1 for constant fill); numpy's np.pad modes,
// which torchvision uses for images, including pads wider than the image (repeated reflection).
function padAxis(size: number, before: number, mode: PaddingMode): (index: number) => number {
  return (index) => {
    const source = index - before;
    if (source >= 0 && source < size) return source;
    if (mode === 'constant') return -1;
    if (mode === 'edge') return source < 0 ? 0 : size - 1;
    const period = mode === 'reflect' ? 2 * (size - 1) : 2 * size;
    if (period === 0) return 0;
    const folded = ((source % period) + period) % period;
    if (mode === 'reflect') return folded < size ? folded : period - folded;
    return folded < size ? folded : period - 1 - folded;
  };
}

/**
 * torchvision's RandomCrop: optional padding, then a crop at a random position drawn as torchvision draws it (a
 * randint for the top, then one for the left, skipped when the image already has the crop's size). Takes a RawImage
 * (HWC) or a tensor shaped [..., H, W].
 * @example
 * RandomCrop(32, { padding: 4, generator: new Generator(0) })(image) // a 32x32 RawImage
 */
export function RandomCrop<Input extends RawImage | Tensor>(
  size: number | readonly [number, number],
  options: RandomCropOptions = {},
): Transform<Input, Input> {
  const [cropHeight, cropWidth] = typeof size === 'number' ? [size, size] : size;
  if (![cropHeight, cropWidth].every((value) => Number.isInteger(value) && value > 0)) {
    throw new TransformError(`RandomCrop: size must be positive integers, got ${JSON.stringify(size)}`);
  }
  const padding = options.padding === undefined ? null : sides(options.padding);
  const mode = options.paddingMode ?? 'constant';
  return (input) => {
    const generator = options.generator ?? defaultGenerator;
    const isImage = input instanceof RawImage;
    if (!isImage && !(input instanceof Tensor)) throw new TransformError('RandomCrop: expected a RawImage or a Tensor');
    if (!isImage && mode !== 'constant')
      throw new TransformError(`RandomCrop: padding mode '${mode}' is supported for RawImage input only`);
    if (!isImage && input.ndim < 2)
      throw new TransformError(`RandomCrop: expected a tensor shaped [..., H, W], got [${input.shape.join(', ')}]`);
    // Padding stages as torchvision applies them: `padding`, then padIfNeeded widths, then heights.
    const stages: Sides[] = [];
    let height = isImage ? input.height : input.shape[input.ndim - 2]!;
    let width = isImage ? input.width : input.shape[input.ndim - 1]!;
    const addStage = (stage: Sides) => {
      stages.push(stage);
      width += stage[0] + stage[2];
      height += stage[1] + stage[3];
    };
    if (padding) addStage(padding);
    if (options.padIfNeeded && width < cropWidth) addStage([cropWidth - width, 0, cropWidth - width, 0]);
    if (options.padIfNeeded && height < cropHeight) addStage([0, cropHeight - height, 0, cropHeight - height]);
    if (height < cropHeight || width < cropWidth) {
      throw new TransformError(
        `RandomCrop: required crop size (${cropHeight}, ${cropWidth}) is larger than input image size (${height}, ${width})`,
      );
    }
    let top = 0,
      left = 0;
    if (height !== cropHeight || width !== cropWidth) {
      top = generator.nextUint32() % (height - cropHeight + 1);
      left = generator.nextUint32() % (width - cropWidth + 1);
    }
    if (!isImage) {
      const fill = options.fill ?? 0;
      if (typeof fill !== 'number')
        throw new TransformError('RandomCrop: a per-channel fill is supported for RawImage input only');
      const padded = stages.reduce((tensor, [l, t, r, b]) => pad(tensor, [l, r, t, b], fill), input as Tensor);
      return padded.narrow(-2, top, cropHeight).narrow(-1, left, cropWidth) as Input;
    }
    return cropImage(input, stages, mode, options.fill ?? 0, top, left, cropHeight, cropWidth) as Input;
  };
}

function cropImage(
  image: RawImage,
  stages: Sides[],
  mode: PaddingMode,
  fill: number | readonly number[],
  top: number,
  left: number,
  cropHeight: number,
  cropWidth: number,
): RawImage {
  const channels = image.channels;
  const fills = typeof fill === 'number' ? new Array<number>(channels).fill(fill) : [...fill];
  if (fills.length !== channels)
    throw new TransformError(`RandomCrop: fill has ${fills.length} values for an image with ${channels} channels`);
  // Compose each stage's index map, outermost first, into one lookup per output row and column.
  const axisMap = (offset: number, count: number, original: number, axis: 0 | 1): Int32Array => {
    const sizes = [original];
    for (const stage of stages) sizes.push(sizes[sizes.length - 1]! + stage[axis] + stage[axis + 2]!);
    const map = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      let index = offset + i;
      for (let s = stages.length - 1; s >= 0 && index >= 0; s--) index = padAxis(sizes[s]!, stages[s]![axis], mode)(index);
      map[i] = index;
    }
    return map;
  };
  const rows = axisMap(top, cropHeight, image.height, 1);
  const columns = axisMap(left, cropWidth, image.width, 0);
  const output = new Uint8Array(cropHeight * cropWidth * channels);
  for (let row = 0; row < cropHeight; row++) {
    for (let column = 0; column < cropWidth; column++) {
      const target = (row * cropWidth + column) * channels;
      const sourceRow = rows[row]!,
        sourceColumn = columns[column]!;
      const source = (sourceRow * image.width + sourceColumn) * channels;
      for (let channel = 0; channel < channels; channel++) {
        output[target + channel] = sourceRow < 0 || sourceColumn < 0 ? fills[channel]! : image.data[source + channel]!;
      }
    }
  }
  return new RawImage(output, cropHeight, cropWidth, channels);
}

/**
 * torchvision's RandomHorizontalFlip: mirrors left-right when `torch.rand(1) < p` (one float32 draw per call).
 * @example
 * RandomHorizontalFlip(0.5, { generator: new Generator(0) })(image)
 */
export function RandomHorizontalFlip<Input extends RawImage | Tensor>(
  p = 0.5,
  options: { generator?: Generator } = {},
): Transform<Input, Input> {
  if (!(p >= 0 && p <= 1)) throw new TransformError(`RandomHorizontalFlip: p must be in [0, 1], got ${p}`);
  return (input) => {
    const generator = options.generator ?? defaultGenerator;
    if (!(generator.nextFloat24() < p)) return input;
    if (input instanceof Tensor) return input.flip(-1) as Input;
    if (!(input instanceof RawImage)) throw new TransformError('RandomHorizontalFlip: expected a RawImage or a Tensor');
    const { data, height, width, channels } = input;
    const output = new Uint8Array(data.length);
    for (let row = 0; row < height; row++) {
      for (let column = 0; column < width; column++) {
        const target = (row * width + column) * channels,
          source = (row * width + (width - 1 - column)) * channels;
        for (let channel = 0; channel < channels; channel++) output[target + channel] = data[source + channel]!;
      }
    }
    return new RawImage(output, height, width, channels) as Input;
  };
}
