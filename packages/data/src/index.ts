/**
 * @lantern/data: datasets, samplers, DataLoader and torchvision-style transforms. This entry is browser-safe (no
 * node: imports); file access, downloads and worker threads live in '@lantern/data/node'. It never imports a backend:
 * register one yourself (e.g. `await registerCpuBackend()`).
 */

export { type Collated, type CollateFunction, defaultCollate } from './collate.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { type AnyDataset, type Dataset, type IterableDataset, isMapDataset, TensorDataset } from './dataset.js';
export {
  type CIFAR10Batch,
  CIFAR10Dataset,
  cifar10Classes,
  cifar10Format,
  type DatasetTransforms,
  validateCifar10Batch,
} from './datasets/cifar10.js';
export {
  FashionMNISTDataset,
  fashionMnistClasses,
  fashionMnistResources,
  type IdxFile,
  parseIdx,
} from './datasets/fashion-mnist.js';
export {
  ChecksumError,
  CollateError,
  CorruptDatasetError,
  DataError,
  DataLoaderError,
  DatasetNotFoundError,
  DownloadError,
  TransformError,
  WorkerError,
} from './errors.js';
export { isRawImage, RawImage } from './image.js';
export { BatchSampler, drawSeed, RandomSampler, type RandomSamplerOptions, type Sampler, SequentialSampler } from './sampler.js';
export { Compose, Lambda, Normalize, ToTensor, type Transform } from './transforms/basic.js';
export { type PaddingMode, RandomCrop, type RandomCropOptions, RandomHorizontalFlip } from './transforms/random.js';
export {
  createBatchServer,
  decodeBatch,
  encodeBatch,
  type WorkerHandle,
  type WorkerInfo,
  type WorkerPool,
  type WorkerRequest,
  type WorkerResponse,
} from './worker-protocol.js';
