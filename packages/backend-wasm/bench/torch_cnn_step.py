# PyTorch reference for bench/cnn-step.mjs: the same CNN, loss, optimizer and loop (loss.item() every step).
# Usage: /usr/bin/python3 bench/torch_cnn_step.py BATCH THREADS STEPS  → prints {"imagesPerSecond": ...}
import json, sys, time
import torch
from torch import nn

batch, threads, steps = (int(v) for v in sys.argv[1:4])
torch.set_num_threads(threads)
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2),
    nn.Conv2d(32, 32, 5, padding=2), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
images, labels = torch.randn(batch, 3, 32, 32), torch.randint(0, 10, (batch,))

def step():
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()

for _ in range(50 if batch == 1 else 3):
    step()
start = time.perf_counter()
for _ in range(steps):
    step()
print(json.dumps({"imagesPerSecond": steps * batch / (time.perf_counter() - start)}))
