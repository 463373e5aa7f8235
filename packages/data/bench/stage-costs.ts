// Where a CIFAR-10 batch's preparation time goes: microseconds per call of each stage of the usual pipeline.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { Generator, type Tensor } from '@lantern/tensor';
import { defaultCollate, Normalize, RandomCrop, RandomHorizontalFlip, type RawImage, ToTensor } from '../src/index.js';
import { syntheticCifar } from './cifar-pipeline.js';

await registerCpuBackend();

const dataset = syntheticCifar(10_000, 0n);
const generator = new Generator().manualSeed(0);
const crop = RandomCrop<RawImage>(32, { padding: 4, generator });
const flip = RandomHorizontalFlip<RawImage>(1, { generator });
const toTensor = ToTensor();
const normalize = Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]);

function microseconds(calls: number, fn: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(calls, 200); i++) fn(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn(i);
  return ((performance.now() - start) / calls) * 1000;
}

const image = dataset.image(0);
const chw = toTensor(image);
const samples: Array<[Tensor, number]> = Array.from({ length: 128 }, (_, i) => [normalize(chw), i % 10]);
const rows: Array<[string, number]> = [
  ['decode a record (CHW bytes → HWC RawImage)', microseconds(5000, (i) => dataset.image(i % 10_000))],
  ['RandomCrop(32, padding 4)', microseconds(5000, () => crop(image))],
  ['RandomHorizontalFlip (flipping)', microseconds(5000, () => flip(image))],
  ['ToTensor', microseconds(5000, () => toTensor(image))],
  ['Normalize (tensor sub + div on the cpu backend)', microseconds(2000, () => normalize(chw))],
  ['defaultCollate of 128 samples (stack + labels)', microseconds(50, () => defaultCollate(samples))],
];
console.log('| stage | µs per call |');
console.log('| --- | ---: |');
for (const [stage, cost] of rows) console.log(`| ${stage} | ${cost.toFixed(1)} |`);
console.log('');
