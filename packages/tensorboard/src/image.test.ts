import { registerCpuBackend } from '@lantern/backend-cpu';
import { tensor } from '@lantern/tensor';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { TensorBoardError } from './errors.js';
import { makeImage, toPixels } from './summary/image.js';

await registerCpuBackend();

// PNGs are decoded with pngjs (zlib from Node), not with fast-png, the writer's encoder. pngjs always hands back RGBA.
function decoded(image: ReturnType<typeof makeImage>) {
  const png = PNG.sync.read(Buffer.from(image.encodedImageString));
  const rgba = [...png.data];
  return { width: png.width, height: png.height, colorType: png.colorType, rgba };
}

describe('images as torch makes them', () => {
  it('scales a float CHW tensor by 255 in float32 and truncates, as numpy casts to uint8', () => {
    // Channel-first 3×1×2: pixel (0, 0) = (0, 0.5, 1), pixel (0, 1) = (0.25, 0.999, 0.1).
    const image = tensor([0, 0.25, 0.5, 0.999, 1, 0.1], { shape: [3, 1, 2] });
    const message = makeImage(image, 'CHW', 'addImage');
    expect([message.height, message.width, message.colorspace]).toEqual([1, 2, 3]);
    // 0.5·255 = 127.5 → 127; 0.999·255 = 254.745 → 254; 0.1 (float32) · 255 = 25.5 → 25.
    expect(decoded(message)).toEqual({ width: 2, height: 1, colorType: 2, rgba: [0, 127, 255, 255, 63, 254, 25, 255] });
  });

  it('reads HWC, HW and WH orders, and repeats a single channel as grey RGB', () => {
    const hwc = toPixels({ data: [0, 1, 0.5, 0.25], shape: [2, 2, 1] }, 'HWC', 'addImage');
    expect({ ...hwc, pixels: [...hwc.pixels] }).toEqual({
      height: 2,
      width: 2,
      channels: 3,
      pixels: [0, 0, 0, 255, 255, 255, 127, 127, 127, 63, 63, 63],
    });
    const wh = toPixels({ data: [0, 1, 0.5, 0.25, 0.75, 0], shape: [3, 2] }, 'WH', 'addImage'); // 3 wide, 2 high
    expect([wh.height, wh.width]).toEqual([2, 3]);
    expect([...wh.pixels].filter((_, index) => index % 3 === 0)).toEqual([0, 127, 191, 255, 63, 0]);
  });

  it('keeps uint8 data (Uint8Array, e.g. a RawImage) as they are, RGBA included', () => {
    const message = makeImage(
      { data: Uint8Array.from([10, 20, 30, 40, 250, 240, 230, 220]), shape: [1, 2, 4] },
      'HWC',
      'addImage',
    );
    expect(message.colorspace).toBe(4);
    expect(decoded(message)).toEqual({ width: 2, height: 1, colorType: 6, rgba: [10, 20, 30, 40, 250, 240, 230, 220] });
  });

  it('scales a bool tensor (read as 0/1 bytes) by 255 like any non-uint8 array, and clamps values outside [0, 1]', () => {
    const mask = toPixels(tensor([1, 0], { dtype: 'bool', shape: [1, 2] }), 'HW', 'addImage');
    expect([...mask.pixels]).toEqual([255, 255, 255, 0, 0, 0]);
    const outside = toPixels({ data: [-0.5, 1.5, Number.NaN], shape: [1, 3] }, 'HW', 'addImage');
    expect([...outside.pixels].filter((_, index) => index % 3 === 0)).toEqual([0, 255, 0]);
  });

  it('tiles a batch 8 images to a row (make_grid, no padding), leaving the rest of the last row black', () => {
    // Ten 1×1 grey images with values 1/255 … 10/255 (+ a little, so the truncation gives 1 … 10).
    const batch = tensor(
      Array.from({ length: 10 }, (_, index) => (index + 1.5) / 255),
      { shape: [10, 1, 1, 1] },
    );
    const grid = toPixels(batch, 'NCHW', 'addImages');
    expect([grid.height, grid.width, grid.channels]).toEqual([2, 8, 3]);
    const red = [...grid.pixels].filter((_, index) => index % 3 === 0);
    expect(red).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0, 0, 0, 0]);
    // Fewer than 8 images: one row, as wide as the batch; NHWC order reads the same images.
    const nhwc = toPixels({ data: [0, 0, 1, 1, 1, 0], shape: [2, 1, 1, 3] }, 'NHWC', 'addImages');
    expect([nhwc.height, nhwc.width, [...nhwc.pixels]]).toEqual([1, 2, [0, 0, 255, 255, 255, 0]]);
  });

  it('names what is wrong with a shape or a data format', () => {
    const image = { data: new Float32Array(6), shape: [3, 2] };
    expect(() => toPixels(image, 'CHW', 'addImage')).toThrow(
      new TensorBoardError(
        'addImage: size of input tensor and input format are different. tensor shape: [3, 2], input_format: CHW',
      ),
    );
    expect(() => toPixels(image, 'HH', 'addImage')).toThrow(/must order the letters of NCHW, HWC or HW, each once/);
    expect(() => toPixels(image, 'XY', 'addImage')).toThrow(TensorBoardError);
    expect(() => toPixels({ data: new Float32Array(8), shape: [2, 2, 1, 2] }, 'NCHW', 'addImages')).toThrow(
      'addImages: a batch needs 1 or 3 channels (make_grid), got 2',
    );
    expect(() => toPixels({ data: new Float32Array(5), shape: [1, 1, 5] }, 'HWC', 'addImage')).toThrow('1 to 4 channels, got 5');
    expect(() => toPixels({ data: new Float32Array(5), shape: [2, 3] }, 'HW', 'addImage')).toThrow(
      'addImage: 5 values do not fill shape [2, 3]',
    );
  });
});
