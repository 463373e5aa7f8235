// Each benchmark worker thread builds its own copy of the synthetic CIFAR pipeline, seeded by its worker seed.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { serveDataset } from '../src/node.js';
import { syntheticCifar } from './cifar-pipeline.js';

await registerCpuBackend();

serveDataset(({ seed }) => syntheticCifar(10_000, seed));
