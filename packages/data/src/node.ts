/**
 * @lantern/data/node: the Node-only half of @lantern/data (filesystem, HTTPS downloads, tar/gzip, worker_threads),
 * plus everything the browser-safe entry exports, so one import serves a Node training script.
 */
export * from './index.js';
export { CIFAR10, type CIFAR10Options, cifar10Download, downloadCIFAR10, readCIFAR10Batches } from './node/cifar10.js';
export { type DownloadOptions, downloadFile, fileMd5 } from './node/download.js';
export { extractTarGz, gunzipFile } from './node/extract.js';
export { downloadFashionMNIST, FashionMNIST, type FashionMNISTOptions, fashionMnistMirrors } from './node/fashion-mnist.js';
export {
  type CIFAR10Split,
  type SyntheticCIFAR10Files,
  type SyntheticCIFAR10Options,
  syntheticCIFAR10Batch,
  writeSyntheticCIFAR10,
} from './node/synthetic-cifar10.js';
export { serveDataset, type ThreadWorkersOptions, threadWorkers } from './node/threads.js';
