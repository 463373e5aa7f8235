"""Writes pytorch-reference.json: PyTorch 1.13's DataLoader orders and torchvision-style transform outputs.

Run with Debian's torch: /usr/bin/python3 src/__fixtures__/generate.py (from packages/data).
torchvision 0.14's RandomCrop / RandomHorizontalFlip / ToTensor / Normalize are written out below exactly as it draws
and computes them (get_params: randint for i then j; flip: rand(1) < p), so each draw is visible beside the fixture.
"""
import json
import os

import numpy as np
import torch
from torch.utils.data import DataLoader, RandomSampler

# Fixtures are reproducible only from the pinned reference environment (docs/FIXTURES.md): Debian bookworm's
# python3-torch 1.13.1, imported by /usr/bin/python3. Debian builds it without PyTorch's release tag, so it reports
# itself as 1.13.0a0; another torch build may round differently or draw other random numbers.
if torch.__version__ != '1.13.0a0' or not torch.__file__.startswith('/usr/lib/python3/dist-packages/'):
    raise SystemExit(f"{os.path.basename(__file__)}: needs torch 1.13.1 from Debian bookworm's python3-torch, run with "
                     f"/usr/bin/python3 (docs/FIXTURES.md); found torch {torch.__version__} at {torch.__file__}")

out = {}


def epochs(loader, count):
    return [[batch.tolist() for batch in loader] for _ in range(count)]


out['generatorSeed42Batch3'] = epochs(DataLoader(range(10), batch_size=3, shuffle=True,
                                                  generator=torch.Generator().manual_seed(42)), 3)
out['generatorSeed1Batch4DropLast'] = epochs(DataLoader(range(10), batch_size=4, shuffle=True, drop_last=True,
                                                         generator=torch.Generator().manual_seed(1)), 2)
torch.manual_seed(7)
out['manualSeed7Batch4'] = epochs(DataLoader(range(10), batch_size=4, shuffle=True), 2)

# Breaking out of an epoch early leaves the sampler's trailing randperm undrawn, which shifts the next epoch.
generator = torch.Generator().manual_seed(5)
loader = DataLoader(range(10), batch_size=3, shuffle=True, generator=generator)
first = next(iter(loader)).tolist()
out['generatorSeed5BreakAfterOne'] = {'first': first, 'nextEpoch': [b.tolist() for b in loader]}

out['replacementSeed3'] = list(RandomSampler(range(10), replacement=True, num_samples=40,
                                             generator=torch.Generator().manual_seed(3)))

# Transforms: RandomCrop(5, padding=2, padding_mode) -> RandomHorizontalFlip(0.5) -> ToTensor -> Normalize.
image = torch.randint(0, 256, (7, 6, 3), dtype=torch.uint8, generator=torch.Generator().manual_seed(0)).numpy()
mean = [0.4914, 0.4822, 0.4465]
std = [0.247, 0.243, 0.261]


def pipeline(img, generator, padding_mode):
    padded = np.pad(img, ((2, 2), (2, 2), (0, 0)), mode=padding_mode)  # torchvision's PIL path uses np.pad
    height, width = padded.shape[:2]
    i = torch.randint(0, height - 5 + 1, size=(1,), generator=generator).item()
    j = torch.randint(0, width - 5 + 1, size=(1,), generator=generator).item()
    cropped = padded[i:i + 5, j:j + 5]
    flipped = bool(torch.rand(1, generator=generator) < 0.5)
    if flipped:
        cropped = cropped[:, ::-1]
    chw = torch.from_numpy(np.ascontiguousarray(cropped)).permute(2, 0, 1).contiguous()
    as_float = chw.to(dtype=torch.float32).div(255)
    normalized = as_float.sub(torch.tensor(mean).view(-1, 1, 1)).div(torch.tensor(std).view(-1, 1, 1))
    return {'top': i, 'left': j, 'flipped': flipped, 'toTensor': as_float.flatten().tolist(),
            'normalized': normalized.flatten().tolist()}


transforms = {'image': image.flatten().tolist(), 'shape': list(image.shape), 'mean': mean, 'std': std, 'runs': {}}
for mode in ['constant', 'edge', 'reflect', 'symmetric']:
    generator = torch.Generator().manual_seed(123)
    transforms['runs'][mode] = [pipeline(image, generator, mode) for _ in range(6)]
out['transforms'] = transforms

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pytorch-reference.json')
with open(path, 'w') as handle:
    json.dump(out, handle)
print('wrote', path)
