import { encode as encodePng } from 'fast-png';
import { TensorBoardError } from '../errors.js';
import { type ShapedValues, shapedValues } from '../values.js';

/** A Summary.Image: a PNG, its size and its number of channels. */
export interface EncodedImage {
  height: number;
  width: number;
  colorspace: number;
  encodedImageString: Uint8Array;
}

/** An 8-bit image in height × width × channels order. */
interface PixelImage {
  height: number;
  width: number;
  channels: number;
  pixels: Uint8Array;
}

/**
 * torch's image summary: the values in `dataformats` order ('NCHW', 'NHWC', 'CHW', 'HWC', 'HW', 'WH', …, any order
 * of the letters) become one HWC image as torch's convert_to_HWC makes it: a batch is tiled by make_grid (8 images a
 * row, no padding, the last row left black), one channel becomes three (grey as RGB), a 2-D image is grey. Then
 * torch's scaling: values × 255 in float32, truncated to a byte (uint8 data as it is), and a PNG of the result.
 * torch leaves values outside [0, 1] to numpy's undefined float-to-uint8 cast; here they are clamped to 0–255.
 */
export function makeImage(input: ShapedValues, dataformats: string, method: string): EncodedImage {
  const image = toPixels(input, dataformats, method);
  const encodedImageString = encodePng({
    width: image.width,
    height: image.height,
    data: image.pixels,
    channels: image.channels,
    depth: 8,
  });
  return { height: image.height, width: image.width, colorspace: image.channels, encodedImageString };
}

/** The HWC bytes of an image or a grid of images (exported for tests of the layout). */
export function toPixels(input: ShapedValues, dataformats: string, method: string): PixelImage {
  const { data, shape, bytes } = shapedValues(input, method);
  const format = dataformats.toUpperCase();
  const required = { 4: 'NCHW', 3: 'HWC', 2: 'HW' }[format.length];
  if (new Set(format).size !== format.length || !required || [...required].some((letter) => !format.includes(letter))) {
    throw new TensorBoardError(`${method}: dataformats '${dataformats}' must order the letters of NCHW, HWC or HW, each once`);
  }
  if (shape.length !== format.length) {
    throw new TensorBoardError(
      `${method}: size of input tensor and input format are different. tensor shape: [${shape.join(', ')}], input_format: ${dataformats}`,
    );
  }
  // Row-major strides of the input, looked up by letter; a missing letter (N or C) has extent 1.
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((product, extent) => product * extent, 1));
  const extent = (letter: string) => (format.includes(letter) ? shape[format.indexOf(letter)]! : 1);
  const stride = (letter: string) => (format.includes(letter) ? strides[format.indexOf(letter)]! : 0);
  const [count, inputChannels, height, width] = [...'NCHW'].map(extent) as [number, number, number, number];
  const channels = inputChannels === 1 ? 3 : inputChannels;
  if (format.length === 4 && channels !== 3) {
    throw new TensorBoardError(`${method}: a batch needs 1 or 3 channels (make_grid), got ${inputChannels}`);
  }
  if (channels > 4) throw new TensorBoardError(`${method}: an image has 1 to 4 channels, got ${inputChannels}`);
  if (count === 0 || height === 0 || width === 0) {
    throw new TensorBoardError(`${method}: cannot make an image of shape [${shape.join(', ')}]`);
  }

  const columns = Math.min(count, 8);
  const rows = Math.ceil(count / columns);
  const image = { height: height * rows, width: width * columns, channels };
  const pixels = new Uint8Array(image.height * image.width * channels);
  const toByte = bytes ? (value: number) => value : scaleToByte;
  const [strideN, strideC, strideH, strideW] = [...'NCHW'].map(stride) as [number, number, number, number];
  for (let item = 0; item < count; item++) {
    const top = Math.floor(item / columns) * height;
    const left = (item % columns) * width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const source = item * strideN + y * strideH + x * strideW;
        const target = ((top + y) * image.width + left + x) * channels;
        for (let channel = 0; channel < channels; channel++) {
          const sourceChannel = inputChannels === 1 ? 0 : channel;
          pixels[target + channel] = toByte(data[source + sourceChannel * strideC]!);
        }
      }
    }
  }
  return { ...image, pixels };
}

/** torch: `(value.astype(float32) * 255).astype(uint8)`, in float32 and truncated; clamped where numpy is undefined. */
function scaleToByte(value: number): number {
  const scaled = Math.trunc(Math.fround(Math.fround(value) * 255));
  return Number.isNaN(scaled) ? 0 : Math.min(255, Math.max(0, scaled));
}
