// Copied next to the installed tarballs and run from there (by train-node.mjs in Node, bundled by esbuild for the
// browser): the course CNN as a user writes it, trained a few SGD steps on one fixed random batch, so the loss must fall.
import { DataLoader, TensorDataset } from '@lantern/data';
import { CrossEntropyLoss } from '@lantern/losses';
import { Conv2d, Flatten, Linear, MaxPool2d, Module, Sequential } from '@lantern/nn';
import { SGD } from '@lantern/optim';
import { manualSeed, randint, randn, setBackend, tidy } from '@lantern/tensor';

class CourseNet extends Module {
  model1 = new Sequential(
    new Conv2d(3, 32, 5, { padding: 2 }),
    new MaxPool2d(2),
    new Conv2d(32, 32, 5, { padding: 2 }),
    new MaxPool2d(2),
    new Conv2d(32, 64, 5, { padding: 2 }),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(1024, 64),
    new Linear(64, 10),
  );

  forward(x) {
    return this.model1(x);
  }
}

/**
 * Trains on `backend` (already registered by the caller) and returns each step's loss. Weights and data come from
 * Lantern's host-side generator, so one seed gives the same starting point on every backend.
 */
export async function trainCourseCnn(backend, { steps = 4, batchSize = 8, lr = 0.01 } = {}) {
  setBackend(backend);
  manualSeed(0);
  const model = new CourseNet();
  const dataset = new TensorDataset(randn([batchSize, 3, 32, 32]), randint(0, 10, [batchSize]));
  const loader = new DataLoader(dataset, { batchSize });
  const lossFunction = new CrossEntropyLoss();
  const optimizer = new SGD(model.parameters(), { lr });
  const losses = [];
  for (let step = 0; step < steps; step++) {
    for await (const [images, labels] of loader) {
      const loss = tidy(() => {
        const value = lossFunction(model(images), labels);
        optimizer.zeroGrad();
        value.backward();
        optimizer.step();
        return value;
      });
      losses.push((await loss.data())[0]);
      for (const tensor of [loss, images, labels]) tensor.dispose();
    }
  }
  return losses;
}
