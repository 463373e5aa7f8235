#!/usr/bin/env python3
"""The trainer's recipes in PyTorch: the reference its accuracy benchmark is measured against (BENCHMARKS.md).

The same models (models.py), flags and defaults as cifar-trainer's, on CIFAR-10's official binary batches:
--model, --augment (RandomCrop 32 with padding 4 and RandomHorizontalFlip, on the tensors), --normalize,
--lr-scheduler step|multistep|cosine|onecycle|plateau with their parameters, --label-smoothing, --clip-grad-norm,
SGD with --momentum and --weight-decay, --shuffle, evaluation on the other split after every epoch. The random
streams are PyTorch's own, so a run matches the trainer's in distribution, not draw for draw. Run with Debian's
python3-torch (docs/FIXTURES.md), where LANTERN_CIFAR10_ROOT is the folder that holds cifar-10-batches-bin/:

    /usr/bin/python3 apps/cifar-trainer/reference/recipe_script.py --data "$LANTERN_CIFAR10_ROOT" --split train \\
      --epochs 15 --batch-size 32 --shuffle --model course-bn --augment --normalize --momentum 0.9 \\
      --weight-decay 5e-4 --lr-scheduler onecycle --max-lr 0.1 --seed 0

Prints one JSON object per epoch: {"epoch", "meanLoss", "lr", "testAccuracy", "testLoss", "seconds", "imagesPerSecond"}.
"""
import argparse
import json
import time

import torch
from torch import nn

from course_script import load_cifar_binary
from models import MODEL_NAMES, CourseNet

MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)


def augment(images):
    """RandomCrop(32, padding=4) and RandomHorizontalFlip() for each image of a batch, from torch's global stream."""
    padded = nn.functional.pad(images, (4, 4, 4, 4))
    out = torch.empty_like(images)
    for index in range(images.shape[0]):
        top, left = torch.randint(0, 9, (2,)).tolist()
        crop = padded[index, :, top:top + 32, left:left + 32]
        out[index] = crop.flip(-1) if torch.rand(1).item() < 0.5 else crop
    return out


def scheduler_for(args, optimizer, steps_per_epoch):
    lr_scheduler = torch.optim.lr_scheduler
    if args.lr_scheduler == 'step':
        return lr_scheduler.StepLR(optimizer, args.step_size, args.gamma)
    if args.lr_scheduler == 'multistep':
        return lr_scheduler.MultiStepLR(optimizer, [int(m) for m in args.milestones.split(',')], args.gamma)
    if args.lr_scheduler == 'cosine':
        return lr_scheduler.CosineAnnealingLR(optimizer, args.t_max or args.epochs, args.eta_min)
    if args.lr_scheduler == 'onecycle':
        return lr_scheduler.OneCycleLR(optimizer, args.max_lr or args.lr, total_steps=args.epochs * steps_per_epoch,
                                       pct_start=args.pct_start)
    if args.lr_scheduler == 'plateau':
        return lr_scheduler.ReduceLROnPlateau(optimizer, patience=args.patience, factor=args.factor)
    return None


def evaluate(model, images, labels, mean, std):
    model.eval()
    correct, loss = 0, 0.0
    with torch.no_grad():
        for start in range(0, len(images), 256):
            batch = (images[start:start + 256] - mean) / std
            outputs = model(batch)
            loss += nn.functional.cross_entropy(outputs, labels[start:start + 256], reduction='sum').item()
            correct += (outputs.argmax(1) == labels[start:start + 256]).sum().item()
    model.train()
    return correct / len(images), loss / len(images)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--data', default='./data')
    parser.add_argument('--split', choices=['test', 'train'], default='test')
    parser.add_argument('--limit', type=int, default=None)
    parser.add_argument('--epochs', type=int, default=20)
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--lr', type=float, default=0.01)
    parser.add_argument('--momentum', type=float, default=0)
    parser.add_argument('--weight-decay', type=float, default=0)
    parser.add_argument('--shuffle', action='store_true')
    parser.add_argument('--seed', type=int, default=None)
    parser.add_argument('--threads', type=int, default=None)
    parser.add_argument('--model', choices=MODEL_NAMES, default='course')
    parser.add_argument('--augment', action='store_true')
    parser.add_argument('--normalize', action='store_true')
    parser.add_argument('--label-smoothing', type=float, default=0)
    parser.add_argument('--clip-grad-norm', type=float, default=None)
    parser.add_argument('--lr-scheduler', choices=['step', 'multistep', 'cosine', 'onecycle', 'plateau'])
    parser.add_argument('--step-size', type=int)
    parser.add_argument('--gamma', type=float, default=0.1)
    parser.add_argument('--milestones')
    parser.add_argument('--t-max', type=int)
    parser.add_argument('--eta-min', type=float, default=0)
    parser.add_argument('--max-lr', type=float)
    parser.add_argument('--pct-start', type=float, default=0.3)
    parser.add_argument('--patience', type=int, default=10)
    parser.add_argument('--factor', type=float, default=0.1)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.seed is not None:
        torch.manual_seed(args.seed)

    images, labels = load_cifar_binary(args.data, args.split == 'train', args.limit)
    test_images, test_labels = load_cifar_binary(args.data, args.split != 'train', args.limit)
    mean = torch.tensor(MEAN if args.normalize else (0, 0, 0)).reshape(3, 1, 1)
    std = torch.tensor(STD if args.normalize else (1, 1, 1)).reshape(3, 1, 1)
    model = CourseNet(args.model)
    loss_function = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
    steps_per_epoch = (len(images) + args.batch_size - 1) // args.batch_size
    scheduler = scheduler_for(args, optimizer, steps_per_epoch)
    for epoch in range(args.epochs):
        order = torch.randperm(len(images)) if args.shuffle else torch.arange(len(images))
        running_loss, lr = 0.0, optimizer.param_groups[0]['lr']
        start = time.perf_counter()
        for first in range(0, len(images), args.batch_size):
            index = order[first:first + args.batch_size]
            batch = augment(images[index]) if args.augment else images[index]
            loss = loss_function(model((batch - mean) / std), labels[index])
            optimizer.zero_grad()
            loss.backward()
            if args.clip_grad_norm:
                nn.utils.clip_grad_norm_(model.parameters(), args.clip_grad_norm)
            lr = optimizer.param_groups[0]['lr']
            optimizer.step()
            if args.lr_scheduler == 'onecycle':
                scheduler.step()
            running_loss += loss.item()
        seconds = time.perf_counter() - start
        accuracy, test_loss = evaluate(model, test_images, test_labels, mean, std)
        if args.lr_scheduler == 'plateau':
            scheduler.step(test_loss)
        elif scheduler is not None and args.lr_scheduler != 'onecycle':
            scheduler.step()
        print(json.dumps({'epoch': epoch + 1, 'meanLoss': running_loss / steps_per_epoch, 'lr': lr,
                          'testAccuracy': accuracy, 'testLoss': test_loss, 'seconds': seconds,
                          'imagesPerSecond': len(images) / seconds, 'threads': torch.get_num_threads()}), flush=True)


if __name__ == '__main__':
    main()
