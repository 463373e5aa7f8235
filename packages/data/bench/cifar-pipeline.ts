// The benchmark's dataset: CIFAR-10-shaped batches of random pixels (the pipeline's cost does not depend on the pixel
// values, and the benchmark must run without the real data) behind the usual training transforms.
import { Generator, type Tensor } from '@lantern/tensor';
import { CIFAR10Dataset, Compose, Normalize, RandomCrop, RandomHorizontalFlip, type RawImage, ToTensor } from '../src/index.js';

export function syntheticCifar(records: number, seed: bigint): CIFAR10Dataset<Tensor, number> {
  const random = new Generator().manualSeed(seed);
  const batches = [];
  for (let start = 0; start < records; start += 10_000) {
    const bytes = new Uint8Array(30_730_000);
    for (let i = 0; i < bytes.length; i += 4) {
      const word = random.nextUint32();
      bytes[i] = word & 0xff;
      bytes[i + 1] = (word >>> 8) & 0xff;
      bytes[i + 2] = (word >>> 16) & 0xff;
      bytes[i + 3] = word >>> 24;
    }
    for (let record = 0; record < 10_000; record++) bytes[record * 3073] = record % 10;
    batches.push({ name: `synthetic_${start}`, bytes });
  }
  const transform = Compose<RawImage, Tensor>([
    RandomCrop(32, { padding: 4, generator: random }),
    RandomHorizontalFlip(0.5, { generator: random }),
    ToTensor(),
    Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]),
  ]);
  return new CIFAR10Dataset(batches, { transform });
}
