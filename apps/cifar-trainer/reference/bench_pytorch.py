#!/usr/bin/env python3
"""PyTorch's side of `pnpm bench`: trains the course CNN on random batches and prints images/s as one JSON line.

    /usr/bin/python3 apps/cifar-trainer/reference/bench_pytorch.py --batch-size 64 --steps 10 --threads 2
"""
import argparse
import json
import time

import torch
from torch import nn

from course_script import Tudui


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch-size', type=int, required=True)
    parser.add_argument('--steps', type=int, required=True)
    parser.add_argument('--threads', type=int, required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, loss = Tudui(), nn.CrossEntropyLoss()
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


if __name__ == '__main__':
    main()
