// The script each test worker thread runs (bundled by bundle.ts): serves a synthetic dataset.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { serveDataset } from '../node/threads.js';
import { type SyntheticOptions, syntheticDataset } from './synthetic-dataset.js';

await registerCpuBackend();

serveDataset((info, workerData) => {
  const options = workerData as SyntheticOptions & { failFactory?: boolean };
  if (options.failFactory) throw new Error('could not open the dataset');
  return syntheticDataset({ ...options, workerId: info.workerId, seed: info.seed });
});
