import { registerCpuBackend } from '@lantern/backend-cpu';
import { manualSeed, noGrad, randint, randn, softmaxCrossEntropy, type Tensor } from '@lantern/tensor';
import { Conv2d, Flatten, Linear, MaxPool2d, Module, Sequential } from '@lantern/nn';

await registerCpuBackend();

// The course's CIFAR-10 CNN, field for field as in PyTorch.
class Net extends Module {
  model1 = new Sequential(
    new Conv2d(3, 32, 5, { padding: 2 }), new MaxPool2d(2),
    new Conv2d(32, 32, 5, { padding: 2 }), new MaxPool2d(2),
    new Conv2d(32, 64, 5, { padding: 2 }), new MaxPool2d(2),
    new Flatten(), new Linear(1024, 64), new Linear(64, 10),
  );

  forward(x: Tensor): Tensor {
    return this.model1(x);
  }
}

manualSeed(0); // same initial weights as torch.manual_seed(0); Net()
const net = new Net();
console.log(Object.keys(net.stateDict()).join(' ')); // model1.0.weight model1.0.bias model1.2.weight ... model1.8.bias

// One batch of 16 random 32x32 "images" with labels, fitted for a few steps of plain SGD.
const images = randn([16, 3, 32, 32]);
const labels = randint(0, 10, [16]);
for (let step = 0; step < 4; step++) {
  const loss = softmaxCrossEntropy(net(images), labels).mean();
  net.zeroGrad();
  loss.backward();
  noGrad(() => {
    for (const parameter of net.parameters()) parameter.copy_(parameter.sub(parameter.grad!.mul(0.05)));
  });
  console.log(`step ${step}: loss ${loss.item().toFixed(4)}`);
}
