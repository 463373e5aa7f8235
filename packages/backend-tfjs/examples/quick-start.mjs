// The README's example: run with `node examples/quick-start.mjs` after `pnpm --filter @lantern/backend-tfjs... build`.
import { setBackend, tensor } from '@lantern/tensor';
import { registerTfjsBackend, tf } from '@lantern/backend-tfjs';

await registerTfjsBackend({ tfjsBackend: 'cpu' });
setBackend('tfjs');

const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
const y = x.matmul(x.t()).relu().sum();
y.backward();
console.log(y.item()); // 52
console.log(x.grad.toArray()); // [[8, 12], [8, 12]]
console.log(tf.memory().numTensors); // live tfjs tensors: one per Lantern storage not yet disposed or collected
