// A test worker (bundled by bundle.ts) that builds CIFAR10Dataset over the batches the main thread passed in
// workerData: with readCIFAR10Batches({ shared: true }) those bytes are the main thread's memory, not a copy.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { type CIFAR10Batch, CIFAR10Dataset } from '../datasets/cifar10.js';
import { serveDataset } from '../node/threads.js';
import { ToTensor } from '../transforms/basic.js';

await registerCpuBackend();

serveDataset(
  (_info, workerData) => new CIFAR10Dataset((workerData as { batches: CIFAR10Batch[] }).batches, { transform: ToTensor() }),
);
