#!/usr/bin/env python3
"""The course's PyTorch training script (nn_optim.py), as the reference Lantern's trainer is measured against.

Same model, loss, optimizer, batch size and loop as the course; two changes, both recorded here: the data is read
from CIFAR-10's official *binary* batches (torchvision's CIFAR10 reads the Python-pickle release, another
download), and the loss is accumulated with `.item()` (the course adds the tensor, which keeps every step's
graph alive). Run with Debian's python3-torch (docs/FIXTURES.md), where LANTERN_CIFAR10_ROOT is the folder that holds
cifar-10-batches-bin/ (or any such path, e.g. ./data after `pnpm train -- --download`):

    /usr/bin/python3 apps/cifar-trainer/reference/course_script.py --data "$LANTERN_CIFAR10_ROOT" --epochs 20

Prints one JSON object per epoch: {"epoch", "runningLoss", "seconds", "imagesPerSecond"}.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
from torch import nn
from torch.nn import Conv2d, Flatten, Linear, MaxPool2d, Sequential


def load_cifar_binary(root, train, limit=None):
    names = [f'data_batch_{i}.bin' for i in range(1, 6)] if train else ['test_batch.bin']
    records = np.concatenate([np.fromfile(os.path.join(root, 'cifar-10-batches-bin', n), dtype=np.uint8).reshape(-1, 3073)
                              for n in names])
    if limit:
        records = records[:limit]
    labels = torch.from_numpy(records[:, 0].astype(np.int64))
    images = torch.from_numpy(records[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / 255.0)  # ToTensor()
    return images, labels


class Tudui(nn.Module):
    def __init__(self):
        super(Tudui, self).__init__()
        self.model1 = Sequential(
            Conv2d(3, 32, 5, padding=2),
            MaxPool2d(2),
            Conv2d(32, 32, 5, padding=2),
            MaxPool2d(2),
            Conv2d(32, 64, 5, padding=2),
            MaxPool2d(2),
            Flatten(),
            Linear(1024, 64),
            Linear(64, 10),
        )

    def forward(self, x):
        x = self.model1(x)
        return x


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--data', default='./data')
    parser.add_argument('--split', choices=['test', 'train'], default='test')
    parser.add_argument('--limit', type=int, default=None)
    parser.add_argument('--epochs', type=int, default=20)
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--lr', type=float, default=0.01)
    parser.add_argument('--seed', type=int, default=None)
    parser.add_argument('--threads', type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.seed is not None:
        torch.manual_seed(args.seed)

    images, labels = load_cifar_binary(args.data, args.split == 'train', args.limit)
    dataloader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=args.batch_size)

    loss = nn.CrossEntropyLoss()
    tudui = Tudui()
    optim = torch.optim.SGD(tudui.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        running_loss = 0.0
        start = time.perf_counter()
        for data in dataloader:
            imgs, targets = data
            outputs = tudui(imgs)
            result_loss = loss(outputs, targets)
            optim.zero_grad()
            result_loss.backward()
            optim.step()
            running_loss = running_loss + result_loss.item()
        seconds = time.perf_counter() - start
        print(json.dumps({'epoch': epoch + 1, 'runningLoss': running_loss, 'seconds': seconds,
                          'imagesPerSecond': len(images) / seconds, 'threads': torch.get_num_threads()}), flush=True)


if __name__ == '__main__':
    main()
