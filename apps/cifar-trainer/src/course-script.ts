// The course's PyTorch script (nn_optim.py), ported line by line to Lantern. README.md shows the two side by side.
// Its bugs are fixed: `modle1`, `CrossEntrophyLoss`, `parameteers`, `imgs`/`ouutputs`, and the running loss adds the
// loss's value (`.item()`) instead of the loss tensor. Usage: cifar-course-script [DATA_ROOT] (default ./data).
import { registerWasmBackend } from '@lantern/backend-wasm';
import { CIFAR10, DataLoader, ToTensor } from '@lantern/data/node';
import { CrossEntropyLoss } from '@lantern/losses';
import { Conv2d, Flatten, Linear, MaxPool2d, Module, Sequential } from '@lantern/nn';
import { SGD } from '@lantern/optim';
import type { Tensor } from '@lantern/tensor';

await registerWasmBackend(); // the CPU backend with SIMD and threads (registerCpuBackend() from @lantern/backend-cpu: the plain one)

const dataset = await CIFAR10({ root: process.argv[2] ?? './data', train: false, transform: ToTensor(), download: true });
const dataloader = new DataLoader(dataset, { batchSize: 1 });

class Tudui extends Module {
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

  forward(x: Tensor): Tensor {
    x = this.model1(x);
    return x;
  }
}

const loss = new CrossEntropyLoss();
const tudui = new Tudui();
const optim = new SGD(tudui.parameters(), { lr: 0.01 });
for (let epoch = 0; epoch < 20; epoch++) {
  let runningLoss = 0.0;
  for await (const data of dataloader) {
    const [imgs, targets] = data;
    const outputs = tudui(imgs);
    const resultLoss = loss(outputs, targets);
    optim.zeroGrad();
    resultLoss.backward();
    optim.step();
    runningLoss = runningLoss + resultLoss.item();
  }
  console.log(runningLoss);
}
