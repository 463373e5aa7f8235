import { registerCpuBackend } from '@lantern/backend-cpu';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, tensor, type Tensor } from '@lantern/tensor';
import { Adam, stateDictFromJson, stateDictToJson, type OptimizerStateDict } from '@lantern/optim';

await registerCpuBackend();

function train(weight: Tensor, optimizer: Adam, steps: number): void {
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    weight.sub(tensor([3, -1], { dtype: 'float32' })).square().sum().backward();
    optimizer.step();
  }
}

// Train a little, then save the weights and the optimizer's state dict as one JSON file.
const weight = tensor([0, 0], { dtype: 'float32' }).requiresGrad_();
const optimizer = new Adam([weight], { lr: 0.1 });
train(weight, optimizer, 5);
const path = join(tmpdir(), 'lantern-checkpoint.json');
writeFileSync(path, JSON.stringify(await stateDictToJson({ weight, optimizer: optimizer.stateDict() })));

// Later, maybe in another process: rebuild the model and optimizer, then load both back.
const saved = stateDictFromJson<{ weight: Tensor; optimizer: OptimizerStateDict }>(JSON.parse(readFileSync(path, 'utf8')));
export const restored = tensor([0, 0], { dtype: 'float32' }).requiresGrad_();
noGrad(() => restored.copy_(saved.weight));
const restoredOptimizer = new Adam([restored], { lr: 0.1 });
restoredOptimizer.loadStateDict(saved.optimizer);
train(restored, restoredOptimizer, 5); // continues exactly where the first run stopped

train(weight, optimizer, 5);
export const original = weight;
console.log(`resumed ${restored.toArray()}, uninterrupted ${weight.toArray()}`);
