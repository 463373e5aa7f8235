import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** One system's speed on the course CNN, as `pnpm bench` reports it. */
export interface Measurement {
  system: string;
  batchSize: number;
  threads: number;
  imagesPerSecond: number;
}

// PyTorch's side of the bench, passed to python3 on stdin: the script travels inside the built bench, so an installed
// package measures PyTorch too and nothing is read from the source tree at run time. The model is the course's Tudui
// (reference/course_script.py), step for step the loop of measureLantern in bench.ts.
const benchScript = `
import argparse, json, time
import torch
from torch import nn
from torch.nn import Conv2d, Flatten, Linear, MaxPool2d, Sequential

parser = argparse.ArgumentParser()
parser.add_argument('--batch-size', type=int, required=True)
parser.add_argument('--steps', type=int, required=True)
parser.add_argument('--threads', type=int, required=True)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
model = Sequential(Conv2d(3, 32, 5, padding=2), MaxPool2d(2), Conv2d(32, 32, 5, padding=2), MaxPool2d(2),
                   Conv2d(32, 64, 5, padding=2), MaxPool2d(2), Flatten(), Linear(1024, 64), Linear(64, 10))
loss = nn.CrossEntropyLoss()
optim = torch.optim.SGD(model.parameters(), lr=0.01)
images = torch.rand(args.batch_size, 3, 32, 32)
labels = torch.randint(0, 10, (args.batch_size,))

def step():
    result = loss(model(images), labels)
    optim.zero_grad()
    result.backward()
    optim.step()
    return result.item()

warm_up_end = time.perf_counter() + 1.0  # as the Lantern side: a second of warm-up
while time.perf_counter() < warm_up_end:
    step()
start = time.perf_counter()
for _ in range(args.steps):
    step()
seconds = time.perf_counter() - start
print(json.dumps({'system': 'pytorch', 'batchSize': args.batch_size, 'threads': torch.get_num_threads(),
                  'imagesPerSecond': args.steps * args.batch_size / seconds}))
`;

/** PyTorch training the course CNN on random data for `steps` timed steps, or null when Debian's python3-torch is not installed. */
export function measurePytorch(batchSize: number, threads: number, steps: number): Measurement | null {
  if (!existsSync('/usr/bin/python3')) return null;
  try {
    const output = execFileSync(
      '/usr/bin/python3',
      ['-', '--batch-size', String(batchSize), '--steps', String(steps), '--threads', String(threads)],
      { input: benchScript, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] },
    );
    return JSON.parse(output.trim().split('\n').pop()!) as Measurement;
  } catch (error) {
    if (String((error as { stderr?: string }).stderr).includes("No module named 'torch'")) return null;
    throw error;
  }
}
