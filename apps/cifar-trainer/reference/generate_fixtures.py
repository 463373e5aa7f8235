#!/usr/bin/env python3
"""Writes the trainer's PyTorch fixtures into src/__fixtures__/ (run from anywhere, with /usr/bin/python3):

- course-models.json: for each `--model` (reference/models.py), its state-dict keys, shapes and dtypes and a
  fingerprint of each initial tensor after torch.manual_seed(0); its output for one image, fresh; for course-bn
  also its outputs, eval and train mode, after three SGD steps; and torch.nn.utils.clip_grad_norm_ on the course
  CNN's gradients for one image, below and above the gradient norm.
- course-bn.safetensors: course-bn's state dict after those three steps (running statistics, num_batches_tracked
  as int64, as PyTorch writes it), written by hand from the format's specification: the `safetensors` package is not
  in the reference environment (docs/FIXTURES.md).

    /usr/bin/python3 apps/cifar-trainer/reference/generate_fixtures.py
"""
import hashlib
import json
import os
import struct

import torch
from torch import nn

from models import MODEL_NAMES, CourseNet

if torch.__version__ != '1.13.0a0' or not torch.__file__.startswith('/usr/lib/python3/dist-packages/'):
    raise SystemExit(f"{os.path.basename(__file__)}: needs torch 1.13.1 from Debian bookworm's python3-torch, run with "
                     f"/usr/bin/python3 (docs/FIXTURES.md); found torch {torch.__version__} at {torch.__file__}")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', '__fixtures__')
torch.set_num_threads(1)
DTYPES = {torch.float32: ('F32', 4), torch.int64: ('I64', 8)}


def fingerprint(tensor):
    """Exact but compact: the SHA-256 of the little-endian bytes, plus the sum to debug a mismatch."""
    flat = tensor.detach().reshape(-1).contiguous()
    return {'shape': list(tensor.shape), 'dtype': DTYPES[tensor.dtype][0],
            'sha256': hashlib.sha256(flat.numpy().astype(flat.numpy().dtype.newbyteorder('<')).tobytes()).hexdigest(),
            'sum': flat.double().sum().item()}


def values(tensor):
    return {'shape': list(tensor.shape), 'data': tensor.detach().reshape(-1).tolist()}


def save_safetensors(tensors, path):
    """The reference writer's layout: larger dtypes first, then by name; the header padded with spaces to 8 bytes."""
    order = sorted(tensors.items(), key=lambda item: (-DTYPES[item[1].dtype][1], item[0]))
    header, chunks, position = {'__metadata__': {'format': 'pt'}}, [], 0
    for name, tensor in order:
        array = tensor.detach().contiguous().numpy()
        data = array.astype(array.dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': DTYPES[tensor.dtype][0], 'shape': list(tensor.shape),
                        'data_offsets': [position, position + len(data)]}
        chunks.append(data)
        position += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as file:
        file.write(struct.pack('<Q', len(text)) + text + b''.join(chunks))


def main():
    torch.manual_seed(1)
    image = torch.rand(1, 3, 32, 32)
    target = torch.tensor([3])
    fixture = {'image': values(image), 'target': target.tolist(), 'models': {}}
    for name in MODEL_NAMES:
        torch.manual_seed(0)
        model = CourseNet(name)
        entry = {'initial': {key: fingerprint(tensor) for key, tensor in model.state_dict().items()},
                 'freshOutput': values(model(image))}
        fixture['models'][name] = entry

    # course-bn trained three steps on seeded random batches: running statistics that are not their initial values.
    torch.manual_seed(0)
    model = CourseNet('course-bn')
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    generator = torch.Generator().manual_seed(2)
    for _ in range(3):
        inputs = torch.rand(4, 3, 32, 32, generator=generator)
        labels = torch.randint(0, 10, (4,), generator=generator)
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(inputs), labels).backward()
        optimizer.step()
    save_safetensors(model.state_dict(), os.path.join(OUT, 'course-bn.safetensors'))
    with torch.no_grad():
        model.eval()
        eval_output = model(image)
        model.train()
        train_output = model(image)
    fixture['models']['course-bn']['trained'] = {'evalOutput': values(eval_output), 'trainOutput': values(train_output)}

    # clip_grad_norm_ on the course CNN's gradients for one image: once clipping (max_norm below the norm), once not.
    fixture['clipGradNorm'] = []
    for max_norm in (0.5, 1e6):
        torch.manual_seed(0)
        model = CourseNet('course')
        nn.functional.cross_entropy(model(image), target).backward()
        total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        fixture['clipGradNorm'].append({
            'maxNorm': max_norm, 'totalNorm': total_norm.item(),
            'gradients': {key: values(parameter.grad) for key, parameter in model.named_parameters()
                          if parameter.grad.numel() <= 64},
            'gradientNorms': {key: parameter.grad.norm().item() for key, parameter in model.named_parameters()},
        })

    with open(os.path.join(OUT, 'course-models.json'), 'w') as file:
        json.dump(fixture, file, separators=(',', ':'))
        file.write('\n')


if __name__ == '__main__':
    main()
