/**
 * @lantern/data/node: the Node-only half of @lantern/data (filesystem, HTTPS downloads, tar/gzip, worker_threads),
 * plus everything the browser-safe entry exports, so one import serves a Node training script.
 */
export * from './index.js';
export { CIFAR10, downloadCIFAR10, readCIFAR10Batches, cifar10Download, type CIFAR10Options } from './node/cifar10.js';
export { FashionMNIST, downloadFashionMNIST, fashionMnistMirrors, type FashionMNISTOptions } from './node/fashion-mnist.js';
export { downloadFile, fileMd5, type DownloadOptions } from './node/download.js';
export { extractTarGz, gunzipFile } from './node/extract.js';
export { threadWorkers, serveDataset, type ThreadWorkersOptions } from './node/threads.js';
