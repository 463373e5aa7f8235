import { type Dataset, resolveIndex } from '../dataset.js';
import { CorruptDatasetError } from '../errors.js';
import { RawImage } from '../image.js';
import type { Transform } from '../transforms/basic.js';
import type { DatasetTransforms } from './cifar10.js';

export const fashionMnistClasses = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** The four official files (gzip-compressed IDX) with their published MD5s, as torchvision lists them. */
export const fashionMnistResources = [
  { file: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
  { file: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe' },
  { file: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79' },
  { file: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
] as const;

export interface IdxFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** IDX magic numbers: two zero bytes, 0x08 (unsigned byte data), then the number of dimensions. */
const idxMagic = { images: 0x00000803, labels: 0x00000801 } as const;

/** The length of an IDX header: the magic number, then one uint32 per dim (3 for images, 1 for labels). */
export function idxHeaderBytes(kind: 'images' | 'labels'): number {
  return kind === 'images' ? 16 : 8;
}

/**
 * Checks an IDX header (the file's first idxHeaderBytes(kind) bytes, or fewer when the file is shorter) against the
 * file's length and what `kind` needs, and returns its dims. Run on a file's size before its bytes are read, so a
 * header declaring more data than the file holds costs nothing.
 */
export function parseIdxHeader(name: string, header: Uint8Array, kind: 'images' | 'labels', fileLength: number): number[] {
  const rank = kind === 'images' ? 3 : 1;
  const headerLength = idxHeaderBytes(kind);
  if (fileLength < headerLength || header.length < headerLength)
    throw new CorruptDatasetError(
      'FashionMNIST',
      name,
      `is ${fileLength} bytes, shorter than its ${headerLength}-byte IDX header`,
    );
  const view = new DataView(header.buffer, header.byteOffset, headerLength);
  const magic = view.getUint32(0);
  if (magic !== idxMagic[kind]) {
    throw new CorruptDatasetError(
      'FashionMNIST',
      name,
      `has IDX magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x${idxMagic[kind].toString(16).padStart(8, '0')} (uint8 ${kind})`,
    );
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = headerLength + dims.reduce((product, dim) => product * dim, 1);
  if (fileLength !== expected) {
    throw new CorruptDatasetError(
      'FashionMNIST',
      name,
      `is ${fileLength} bytes, expected ${expected} for dims [${dims.join(', ')}]`,
    );
  }
  if (kind === 'images' && (dims[1] !== 28 || dims[2] !== 28)) {
    throw new CorruptDatasetError('FashionMNIST', name, `holds ${dims[1]}x${dims[2]} images, expected 28x28`);
  }
  return dims;
}

/**
 * Parses an unsigned-byte IDX file (LeCun's MNIST format: big-endian magic, then one big-endian uint32 per dim, then
 * the data) and checks it holds what `kind` needs. Returns the dims and the data, without copying.
 */
export function parseIdx(file: IdxFile, kind: 'images' | 'labels'): { dims: number[]; data: Uint8Array } {
  const dims = parseIdxHeader(file.name, file.bytes, kind, file.bytes.length);
  return { dims, data: file.bytes.subarray(idxHeaderBytes(kind)) };
}

/**
 * Fashion-MNIST held in memory, from the (decompressed) IDX image and label files of one split; the environment-free
 * part of `FashionMNIST()` in '@lantern/data/node'. Samples are `[transform(image), targetTransform(label)]`, the
 * image a 28×28×1 RawImage (torchvision's PIL image in mode 'L') unless a transform changes it.
 */
export class FashionMNISTDataset<ImageOutput = RawImage, TargetOutput = number> implements Dataset<[ImageOutput, TargetOutput]> {
  readonly classes = fashionMnistClasses;
  readonly targets: Uint8Array;
  private readonly pixels: Uint8Array;
  private readonly transform: Transform<RawImage, ImageOutput> | undefined;
  private readonly targetTransform: Transform<number, TargetOutput> | undefined;

  constructor(images: IdxFile, labels: IdxFile, options: DatasetTransforms<ImageOutput, TargetOutput> = {}) {
    const parsedImages = parseIdx(images, 'images');
    const parsedLabels = parseIdx(labels, 'labels');
    if (parsedImages.dims[0] !== parsedLabels.dims[0]) {
      throw new CorruptDatasetError(
        'FashionMNIST',
        labels.name,
        `holds ${parsedLabels.dims[0]} labels but ${images.name} holds ${parsedImages.dims[0]} images`,
      );
    }
    const badLabel = parsedLabels.data.findIndex((label) => label > 9);
    if (badLabel >= 0) {
      throw new CorruptDatasetError(
        'FashionMNIST',
        labels.name,
        `label ${badLabel} is ${parsedLabels.data[badLabel]}, expected 0..9`,
      );
    }
    this.pixels = parsedImages.data;
    this.targets = parsedLabels.data;
    this.transform = options.transform;
    this.targetTransform = options.targetTransform;
  }

  get length(): number {
    return this.targets.length;
  }

  image(index: number): RawImage {
    const start = resolveIndex('FashionMNIST', index, this.length) * 784;
    return new RawImage(this.pixels.slice(start, start + 784), 28, 28, 1);
  }

  getItem(index: number): [ImageOutput, TargetOutput] {
    const image = this.image(index);
    const label = this.targets[resolveIndex('FashionMNIST', index, this.length)]!;
    return [
      this.transform ? this.transform(image) : (image as unknown as ImageOutput),
      this.targetTransform ? this.targetTransform(label) : (label as unknown as TargetOutput),
    ];
  }
}
