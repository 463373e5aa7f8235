import {
  Compose,
  type Dataset,
  Normalize,
  RandomCrop,
  RandomHorizontalFlip,
  type RawImage,
  ToTensor,
  type Transform,
} from '@lantern/data';
import { Generator, type Tensor } from '@lantern/tensor';
import type { TrainerOptions } from './options.js';

/**
 * CIFAR-10's per-channel mean and standard deviation over the 50,000 training images (as `--normalize` uses them).
 * The widely copied std (0.2023, 0.1994, 0.2010) is not the per-pixel std; these are.
 */
export const cifar10Normalization = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };

/** MT19937's default seed, which the shuffle generator also uses when --seed is not given. */
const defaultSeed = 67280421310721;

/** A 32-bit mix of a few integers (murmur3's finaliser after each), for per-sample seeds. */
function mix(...values: number[]): number {
  let hash = 0x9e3779b9;
  for (const value of values) {
    hash = Math.imul(hash ^ (value >>> 0) ^ Math.floor(value / 2 ** 32), 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
  }
  return hash >>> 0;
}

/** ToTensor, then Normalize when asked; the unnormalised tensor is freed at once (wasm memory is not the GC's). */
function toTensor(normalize: boolean): Transform<RawImage, Tensor> {
  const convert = ToTensor();
  if (!normalize) return convert;
  const normalizeTensor = Normalize(cifar10Normalization.mean, cifar10Normalization.std);
  return (image) => {
    const tensor = convert(image);
    const normalized = normalizeTensor(tensor);
    tensor.dispose();
    return normalized;
  };
}

/**
 * The transform of a split's images, and for the training split with --augment the state that makes augmentation
 * reproducible. torchvision draws augmentations from one global stream, so where a sample's draws fall depends on
 * everything drawn before; here each sample's crop and flip come from a generator reseeded with (seed, epoch, sample
 * index) before it is transformed, so they do not depend on prefetching, and a run resumed mid-epoch augments every
 * remaining sample exactly as the uninterrupted run did, with no generator state to save.
 */
export function imageTransform(options: Pick<TrainerOptions, 'augment' | 'normalize' | 'seed'>, training: boolean) {
  const tensor = toTensor(options.normalize);
  if (!(training && options.augment)) return { transform: tensor, augmentation: undefined };
  const generator = new Generator();
  const augmentation = new Augmentation(options.seed ?? defaultSeed, generator);
  const transform = Compose<RawImage, Tensor>([
    RandomCrop(32, { padding: 4, generator }),
    RandomHorizontalFlip(0.5, { generator }),
    tensor,
  ]);
  return { transform, augmentation };
}

/** Reseeds the augmentation generator for each sample; `epoch` is set by the training loop before each epoch. */
export class Augmentation {
  epoch = 1;

  constructor(
    private readonly seed: number,
    private readonly generator: Generator,
  ) {}

  /** The dataset with its samples' augmentation seeded by (seed, epoch, index). */
  wrap<Sample>(dataset: Dataset<Sample>): Dataset<Sample> {
    return {
      length: dataset.length,
      getItem: (index: number) => {
        this.generator.manualSeed(mix(this.seed, this.epoch, index));
        return dataset.getItem(index);
      },
    };
  }
}
