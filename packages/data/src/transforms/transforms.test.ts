import { registerCpuBackend } from '@lantern/backend-cpu';
import { Generator, type Tensor, tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import reference from '../__fixtures__/pytorch-reference.json';
import { TransformError } from '../errors.js';
import { RawImage } from '../image.js';
import { Compose, Lambda, Normalize, ToTensor } from './basic.js';
import { type PaddingMode, RandomCrop, RandomHorizontalFlip } from './random.js';

await registerCpuBackend();

const fixture = reference.transforms;
const [height, width, channels] = fixture.shape as [number, number, number];
const image = new RawImage(Uint8Array.from(fixture.image), height, width, channels);
const values = (t: Tensor) => Array.from(t.dataSync());

describe('torchvision pipeline RandomCrop(padding=2) → RandomHorizontalFlip → ToTensor → Normalize', () => {
  for (const mode of ['constant', 'edge', 'reflect', 'symmetric'] as PaddingMode[]) {
    it(`matches PyTorch draws and values with padding mode ${mode}`, () => {
      const generator = new Generator().manualSeed(123);
      const toTensor = Compose<RawImage, Tensor>([
        RandomCrop(5, { padding: 2, paddingMode: mode, generator }),
        RandomHorizontalFlip(0.5, { generator }),
        ToTensor(),
      ]);
      const normalize = Normalize(fixture.mean, fixture.std);
      for (const run of fixture.runs[mode as keyof typeof fixture.runs]) {
        const chw = toTensor(image);
        expect(chw.shape).toEqual([3, 5, 5]);
        expect(values(chw)).toEqual(run.toTensor.map(Math.fround)); // ToTensor is exact: byte / 255 in float32
        expect(values(normalize(chw))).toEqual(run.normalized.map(Math.fround)); // float32 sub then div, as torch
      }
    });
  }

  it('crops tensors like images for constant padding, and flips them the same way', () => {
    const asTensor = ToTensor()(image);
    const imageCrop = RandomCrop<RawImage>(5, { padding: [1, 2], generator: new Generator().manualSeed(9) });
    const tensorCrop = RandomCrop<Tensor>(5, { padding: [1, 2], generator: new Generator().manualSeed(9) });
    for (let i = 0; i < 5; i++) expect(values(tensorCrop(asTensor))).toEqual(values(ToTensor()(imageCrop(image))));
    const flipImage = RandomHorizontalFlip<RawImage>(1);
    expect(values(RandomHorizontalFlip<Tensor>(1)(asTensor))).toEqual(values(ToTensor()(flipImage(image))));
  });
});

describe('transform details', () => {
  it('ToTensor turns uint8 HWC into float32 CHW in [0, 1]', () => {
    const pixel = new RawImage(Uint8Array.of(0, 128, 255, 10, 20, 30), 1, 2, 3);
    const result = ToTensor()(pixel);
    expect(result.dtype).toBe('float32');
    expect(result.shape).toEqual([3, 1, 2]);
    expect(values(result)).toEqual([0, 10, 128, 20, 255, 30].map((v) => Math.fround(v / 255)));
  });

  it('Normalize broadcasts one mean/std over every channel and works on batches', () => {
    const batch = tensor(new Float32Array(2 * 3 * 2 * 2).fill(1), { shape: [2, 3, 2, 2] });
    expect(values(Normalize([0.5], [0.25])(batch)).every((v) => v === 2)).toBe(true);
  });

  it('pad_if_needed pads both sides by the deficit, as torchvision does', () => {
    const small = new RawImage(Uint8Array.of(1, 2, 3, 4), 2, 2, 1);
    const crop = RandomCrop<RawImage>([2, 4], { padIfNeeded: true, fill: 9, generator: new Generator().manualSeed(0) });
    const result = crop(small); // width 2 → padded to 6, then a 4-wide window
    const draws = new Generator().manualSeed(0);
    draws.nextUint32(); // the top: randint(0, 1), drawn although it can only be 0
    const left = draws.nextUint32() % 3;
    const padded = [
      [9, 9, 1, 2, 9, 9],
      [9, 9, 3, 4, 9, 9],
    ];
    expect(result.shape).toEqual([2, 4, 1]);
    expect(Array.from(result.data)).toEqual(padded.flatMap((row) => row.slice(left, left + 4)));
  });

  it('does not draw when the image already has the crop size', () => {
    const generator = new Generator().manualSeed(4);
    RandomCrop([height, width], { generator })(image);
    expect(generator.nextUint32()).toBe(new Generator().manualSeed(4).nextUint32());
  });

  it('Lambda wraps a function; Compose chains', () => {
    expect(Compose([Lambda((x: number) => x + 1), (x: number) => x * 10])(1)).toBe(20);
  });

  it('rejects bad input with typed errors naming the transform and shapes', () => {
    expect(() => RandomCrop(40)(image)).toThrow(/required crop size \(40, 40\) is larger than input image size \(7, 6\)/);
    expect(() => Normalize([0.5, 0.5], [0.5, 0.5])(ToTensor()(image))).toThrow(/2 means\/stds for an input of shape \[3, 7, 6\]/);
    expect(() => Normalize([0.5], [0])).toThrow(/division by zero/);
    expect(() => Normalize([0.5], [0.5])(tensor([[[1]]], { dtype: 'int32' }))).toThrow(/should be a float tensor/);
    expect(() => ToTensor()(tensor([1]) as unknown as RawImage)).toThrow(TransformError);
    expect(() =>
      RandomCrop<Tensor>(2, { padding: 1, paddingMode: 'reflect' })(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toThrow(/RawImage input only/);
    expect(() => RandomCrop(2, { padding: [1, 2, 3] })).toThrow(/padding must be/);
    expect(() => new RawImage(new Uint8Array(5), 2, 2, 1)).toThrow(/5 bytes do not fill 2x2x1/);
  });
});
