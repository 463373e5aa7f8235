#!/usr/bin/env python3
"""Writes src/__fixtures__/random.json: PyTorch's draws after torch.manual_seed, which Lantern's Generator reproduces.

Run with Debian's python3-torch (torch 1.13.1):  /usr/bin/python3 scripts/generate_random_fixtures.py
"""
import json
import os

import torch

# Fixtures are reproducible only from the pinned reference environment (docs/FIXTURES.md): Debian bookworm's
# python3-torch 1.13.1, imported by /usr/bin/python3. Debian builds it without PyTorch's release tag, so it reports
# itself as 1.13.0a0; another torch build may round differently or draw other random numbers.
if torch.__version__ != '1.13.0a0' or not torch.__file__.startswith('/usr/lib/python3/dist-packages/'):
    raise SystemExit(f"{os.path.basename(__file__)}: needs torch 1.13.1 from Debian bookworm's python3-torch, run with "
                     f"/usr/bin/python3 (docs/FIXTURES.md); found torch {torch.__version__} at {torch.__file__}")

out = {}
torch.manual_seed(0)
out['rand5_seed0'] = torch.rand(5).tolist()
torch.manual_seed(42)
out['rand3_float64_seed42'] = torch.rand(3, dtype=torch.float64).tolist()
torch.manual_seed(1)
out['randint_0_10_8_seed1'] = torch.randint(0, 10, (8,)).tolist()
torch.manual_seed(2)
out['randperm10_seed2'] = torch.randperm(10).tolist()
torch.manual_seed(3)
out['uniform_minus_half_half_6_seed3'] = torch.empty(6).uniform_(-0.5, 0.5).tolist()
torch.manual_seed(4)
out['randn20_seed4'] = torch.randn(20).tolist()
torch.manual_seed(5)
out['randn5_seed5'] = torch.randn(5).tolist()
torch.manual_seed(6)
out['rand_then_randint_seed6'] = torch.rand(2).tolist() + torch.randint(0, 100, (3,)).tolist()

path = os.path.join(os.path.dirname(__file__), '..', 'src', '__fixtures__', 'random.json')
with open(path, 'w') as handle:
    json.dump(out, handle, indent=1)
print('wrote', os.path.normpath(path))
