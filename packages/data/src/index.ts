/**
 * @lantern/data: datasets, samplers, DataLoader and torchvision-style transforms. This entry is browser-safe (no
 * node: imports); file access, downloads and worker threads live in '@lantern/data/node'. It never imports a backend:
 * register one yourself (e.g. `import '@lantern/backend-cpu'`).
 */
export { TensorDataset, isMapDataset, type Dataset, type IterableDataset, type AnyDataset } from './dataset.js';
export { RawImage, isRawImage } from './image.js';
export { SequentialSampler, RandomSampler, BatchSampler, drawSeed, type Sampler, type RandomSamplerOptions } from './sampler.js';
export { defaultCollate, type CollateFunction, type Collated } from './collate.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export {
  createBatchServer, encodeBatch, decodeBatch, type WorkerInfo, type WorkerPool, type WorkerHandle, type WorkerRequest,
  type WorkerResponse,
} from './worker-protocol.js';
export { Compose, Lambda, ToTensor, Normalize, type Transform } from './transforms/basic.js';
export { RandomCrop, RandomHorizontalFlip, type RandomCropOptions, type PaddingMode } from './transforms/random.js';
export {
  CIFAR10Dataset, cifar10Classes, cifar10Format, validateCifar10Batch, type CIFAR10Batch, type DatasetTransforms,
} from './datasets/cifar10.js';
export { FashionMNISTDataset, fashionMnistClasses, fashionMnistResources, parseIdx, type IdxFile } from './datasets/fashion-mnist.js';
export {
  DataError, DatasetNotFoundError, CorruptDatasetError, DownloadError, ChecksumError, DataLoaderError, CollateError,
  TransformError, WorkerError,
} from './errors.js';
