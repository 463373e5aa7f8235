// One epoch over CIFAR-10 with the usual augmentation: node examples/cifar10-loop.mjs [root]
// `root` holds cifar-10-batches-bin/ (or gets it: download is on). Run after building: pnpm turbo run build --filter=@lantern/data...
import { registerCpuBackend } from '@lantern/backend-cpu';
import { Generator } from '@lantern/tensor';
import { CIFAR10, Compose, DataLoader, Normalize, RandomCrop, RandomHorizontalFlip, ToTensor } from '@lantern/data/node';

await registerCpuBackend();

const root = process.argv[2] ?? './data';
const generator = new Generator().manualSeed(0);
const transform = Compose([
  RandomCrop(32, { padding: 4, generator }),
  RandomHorizontalFlip(0.5, { generator }),
  ToTensor(), // RawImage uint8 [32, 32, 3] → float32 [3, 32, 32] in [0, 1]
  Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]),
]);
const train = await CIFAR10({ root, train: true, download: true, transform });
const loader = new DataLoader(train, { batchSize: 128, shuffle: true, generator });

const start = performance.now();
let seen = 0;
for await (const [images, labels] of loader) {
  // model.forward(images), loss, backward, optimizer step: the loader prepares the next batches meanwhile.
  seen += labels.shape[0];
  if (seen % 12_800 === 0 || seen === train.length) {
    console.log(`${seen}/${train.length} images, batch ${images.shape.join('x')} ${images.dtype}, labels ${labels.dtype}, ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
}
