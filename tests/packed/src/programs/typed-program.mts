// Type-checked (never run) against the installed tarballs' .d.ts files by typescript.test.ts, under strict settings and
// two module resolutions. It touches each package's public API the way a TypeScript user does; the @ts-expect-error
// lines prove the declarations are real types, not `any` (an unused @ts-expect-error is itself an error).
import '@lantern/backend-cpu';
import { setThreads, threadsReady } from '@lantern/backend-wasm';
import { DataLoader, TensorDataset } from '@lantern/data';
import { CIFAR10, Compose, type Dataset, Normalize, ToTensor } from '@lantern/data/node';
import { CrossEntropyLoss, mseLoss } from '@lantern/losses';
import { Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential, type StateDict } from '@lantern/nn';
import { lrScheduler, SGD } from '@lantern/optim';
import { manualSeed, noGrad, randint, randn, setBackend, type Tensor, tensor, tidy } from '@lantern/tensor';

class SmallNet extends Module {
  features = new Sequential(new Conv2d(3, 8, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten());
  head = new Linear(8 * 16 * 16, 10);

  forward(images: Tensor): Tensor {
    return this.head(this.features(images));
  }
}

export async function trainSmallNet(backend: 'cpu' | 'wasm'): Promise<number[]> {
  if (backend === 'wasm') {
    setThreads(2);
    await threadsReady();
  }
  setBackend(backend);
  manualSeed(0);
  const model = new SmallNet();
  const loader = new DataLoader(new TensorDataset(randn([16, 3, 32, 32]), randint(0, 10, [16])), { batchSize: 4, shuffle: true });
  const lossFunction = new CrossEntropyLoss();
  const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const scheduler = new lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
  const losses: number[] = [];
  for await (const [images, labels] of loader) {
    const loss: Tensor = tidy(() => {
      const value = lossFunction(model(images), labels);
      optimizer.zeroGrad();
      value.backward();
      optimizer.step();
      return value;
    });
    losses.push(loss.item());
    loss.dispose();
  }
  scheduler.step();
  const weights: StateDict = model.stateDict();
  const kept: string[] = Object.keys(weights);
  noGrad(() => mseLoss(tensor([1, 2]), tensor([1, 3])).item());
  // @ts-expect-error: a module's output is a Tensor, not a number
  const wrong: number = model(randn([1, 3, 32, 32]));
  // @ts-expect-error: SGD's learning rate is a number
  new SGD(model.parameters(), { lr: 'fast' });
  return kept.length > 0 && wrong !== undefined ? losses : [];
}

export async function loadCifar(root: string): Promise<Dataset<[Tensor, number]>> {
  const transform = Compose<unknown, Tensor>([ToTensor(), Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);
  return CIFAR10({ root, train: false, transform });
}
