#!/usr/bin/env python3
"""Writes src/__fixtures__/cases.json: forward values and gradients computed by PyTorch for the conformance suite.

Run with Debian's python3-torch (torch 1.13.1):  /usr/bin/python3 scripts/generate_fixtures.py
Every case is an op name (mapped to a Lantern call in src/ops.ts and to a PyTorch call in OPS below), its inputs
(values, dtype, whether they require grad, and a layout that makes them non-contiguous), attributes, the outputs, and
the gradient of each grad-requiring input for a random upstream gradient of the first output.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

# Fixtures are reproducible only from the pinned reference environment (docs/FIXTURES.md): Debian bookworm's
# python3-torch 1.13.1, imported by /usr/bin/python3. Debian builds it without PyTorch's release tag, so it reports
# itself as 1.13.0a0; another torch build may round differently or draw other random numbers.
if torch.__version__ != '1.13.0a0' or not torch.__file__.startswith('/usr/lib/python3/dist-packages/'):
    raise SystemExit(f"{os.path.basename(__file__)}: needs torch 1.13.1 from Debian bookworm's python3-torch, run with "
                     f"/usr/bin/python3 (docs/FIXTURES.md); found torch {torch.__version__} at {torch.__file__}")

OPS = {
    # unary
    'neg': lambda x, a: -x[0], 'exp': lambda x, a: x[0].exp(), 'log': lambda x, a: x[0].log(),
    'sqrt': lambda x, a: x[0].sqrt(), 'rsqrt': lambda x, a: x[0].rsqrt(), 'reciprocal': lambda x, a: x[0].reciprocal(),
    'abs': lambda x, a: x[0].abs(), 'sign': lambda x, a: x[0].sign(), 'sin': lambda x, a: x[0].sin(),
    'cos': lambda x, a: x[0].cos(), 'tanh': lambda x, a: x[0].tanh(), 'sigmoid': lambda x, a: x[0].sigmoid(),
    'relu': lambda x, a: x[0].relu(), 'erf': lambda x, a: x[0].erf(), 'floor': lambda x, a: x[0].floor(),
    'ceil': lambda x, a: x[0].ceil(), 'round': lambda x, a: x[0].round(), 'square': lambda x, a: x[0].square(),
    'gelu': lambda x, a: F.gelu(x[0], approximate=a.get('approximate', 'none')),
    'leakyRelu': lambda x, a: F.leaky_relu(x[0], a['slope']),
    'clamp': lambda x, a: x[0].clamp(a.get('min'), a.get('max')),
    'softmax': lambda x, a: x[0].softmax(a['dim']), 'logSoftmax': lambda x, a: x[0].log_softmax(a['dim']),
    'logicalNot': lambda x, a: x[0].logical_not(),
    # binary
    'add': lambda x, a: x[0] + x[1], 'sub': lambda x, a: x[0] - x[1], 'mul': lambda x, a: x[0] * x[1],
    'div': lambda x, a: x[0] / x[1], 'pow': lambda x, a: x[0].pow(x[1]),
    'addScalar': lambda x, a: x[0] + a['value'], 'mulScalar': lambda x, a: x[0] * a['value'],
    'powScalar': lambda x, a: x[0].pow(a['value']), 'rsubScalar': lambda x, a: a['value'] - x[0],
    'maximum': lambda x, a: torch.maximum(x[0], x[1]), 'minimum': lambda x, a: torch.minimum(x[0], x[1]),
    'lt': lambda x, a: x[0] < x[1], 'le': lambda x, a: x[0] <= x[1], 'gt': lambda x, a: x[0] > x[1],
    'ge': lambda x, a: x[0] >= x[1], 'eq': lambda x, a: x[0] == x[1], 'ne': lambda x, a: x[0] != x[1],
    'where': lambda x, a: torch.where(x[0], x[1], x[2]),
    'matmul': lambda x, a: x[0].matmul(x[1]),
    'linear': lambda x, a: F.linear(x[0], x[1], x[2] if len(x) > 2 else None),
    'cast': lambda x, a: x[0].to(getattr(torch, a['dtype'] if a['dtype'] != 'int32' else 'int32')),
    # reductions
    'sum': lambda x, a: x[0].sum(**dims(a)), 'mean': lambda x, a: x[0].mean(**dims(a)),
    'var': lambda x, a: x[0].var(**dims(a), unbiased=a.get('correction', 1) == 1),
    'std': lambda x, a: x[0].std(**dims(a), unbiased=a.get('correction', 1) == 1),
    'amax': lambda x, a: x[0].amax(**dims(a)), 'amin': lambda x, a: x[0].amin(**dims(a)),
    'maxAll': lambda x, a: x[0].max(), 'minAll': lambda x, a: x[0].min(),
    'maxDim': lambda x, a: tuple(x[0].max(a['dim'], keepdim=a.get('keepdim', False))),
    'minDim': lambda x, a: tuple(x[0].min(a['dim'], keepdim=a.get('keepdim', False))),
    'argmax': lambda x, a: x[0].argmax(**({'dim': a['dim'], 'keepdim': a.get('keepdim', False)} if 'dim' in a else {})),
    'argmin': lambda x, a: x[0].argmin(**({'dim': a['dim'], 'keepdim': a.get('keepdim', False)} if 'dim' in a else {})),
    # movement
    'reshape': lambda x, a: x[0].reshape(a['shape']), 'permute': lambda x, a: x[0].permute(a['dims']),
    'transpose': lambda x, a: x[0].transpose(a['dim0'], a['dim1']), 'expand': lambda x, a: x[0].expand(a['shape']),
    'slice': lambda x, a: slice_along(x[0], a), 'narrow': lambda x, a: x[0].narrow(a['dim'], a['start'], a['length']),
    'select': lambda x, a: x[0].select(a['dim'], a['index']), 'flip': lambda x, a: x[0].flip(a['dims']),
    'squeeze': lambda x, a: x[0].squeeze(a['dim']) if 'dim' in a else x[0].squeeze(),
    'unsqueeze': lambda x, a: x[0].unsqueeze(a['dim']),
    'flatten': lambda x, a: x[0].flatten(a.get('start', 0), a.get('end', -1)),
    'contiguous': lambda x, a: x[0].contiguous(),
    'cat': lambda x, a: torch.cat(x, a['dim']), 'stack': lambda x, a: torch.stack(x, a['dim']),
    'pad': lambda x, a: F.pad(x[0], a['padding'], value=a.get('value', 0)),
    # CNN
    'conv2d': lambda x, a: F.conv2d(x[0], x[1], x[2] if len(x) > 2 else None, stride=a.get('stride', 1),
                                    padding=a.get('padding', 0), dilation=a.get('dilation', 1), groups=a.get('groups', 1)),
    'maxPool2d': lambda x, a: tuple(F.max_pool2d(x[0], a['kernel'], a.get('stride'), a.get('padding', 0),
                                                 a.get('dilation', 1), a.get('ceilMode', False), return_indices=True)),
    'avgPool2d': lambda x, a: F.avg_pool2d(x[0], a['kernel'], a.get('stride'), a.get('padding', 0), a.get('ceilMode', False),
                                           a.get('countIncludePad', True), a.get('divisorOverride')),
    'adaptiveAvgPool2d': lambda x, a: F.adaptive_avg_pool2d(x[0], a['size']),
    'softmaxCrossEntropy': lambda x, a: F.cross_entropy(x[0], x[1].long(), reduction='none'),
    # optimizer updates: one step per entry of x[1] (the gradients), from fresh state; outputs the parameter and state
    'sgdUpdate': lambda x, a: sgd_steps(x, a),
    'adamUpdate': lambda x, a: adam_steps(x, a),
}


def optimizer_steps(optimizer, param, grads):
    for grad in grads:
        param.grad = grad.clone()
        optimizer.step()
    return optimizer.state[param]


def sgd_steps(x, a):
    """torch.optim.SGD's single-tensor path; attributes spelled as Lantern's sgdUpdate_ options."""
    param = x[0].detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([param], lr=a['lr'], momentum=a.get('momentum', 0), dampening=a.get('dampening', 0),
                                weight_decay=a.get('weightDecay', 0), nesterov=a.get('nesterov', False),
                                maximize=a.get('maximize', False), foreach=False)
    buffer = optimizer_steps(optimizer, param, x[1]).get('momentum_buffer')
    return (param.detach(),) + ((buffer,) if buffer is not None else ())


def adam_steps(x, a):
    """torch.optim.Adam's (AdamW's when decoupledWeightDecay) single-tensor path; attributes as adamUpdate_'s."""
    param = x[0].detach().clone().requires_grad_(True)
    kind = torch.optim.AdamW if a.get('decoupledWeightDecay', False) else torch.optim.Adam
    optimizer = kind([param], lr=a['lr'], betas=tuple(a.get('betas', (0.9, 0.999))), eps=a.get('eps', 1e-8),
                     weight_decay=a.get('weightDecay', 0), amsgrad=a.get('amsgrad', False),
                     maximize=a.get('maximize', False), foreach=False)
    state = optimizer_steps(optimizer, param, x[1])
    moments = ('exp_avg', 'exp_avg_sq') + (('max_exp_avg_sq',) if a.get('amsgrad', False) else ())
    return (param.detach(),) + tuple(state[name] for name in moments)


def dims(a):
    if 'dim' not in a:
        return {}
    return {'dim': a['dim'], 'keepdim': a.get('keepdim', False)}


def slice_along(x, a):
    index = [slice(None)] * x.dim()
    index[a['dim']] = slice(a.get('start'), a.get('end'), a.get('step', 1))
    return x[tuple(index)]


TORCH_DTYPES = {'float32': torch.float32, 'float64': torch.float64, 'int32': torch.int32, 'bool': torch.bool}
cases = []


def make_input(spec, generator):
    shape, dtype = spec['shape'], spec.get('dtype', 'float32')
    if 'values' in spec:
        data = torch.tensor(spec['values'], dtype=TORCH_DTYPES[dtype]).reshape(shape)
    elif dtype == 'bool':
        data = torch.rand(shape, generator=generator) > 0.5
    elif dtype == 'int32':
        low, high = spec.get('range', (-5, 6))
        data = torch.randint(low, high, shape, generator=generator, dtype=torch.int32)
    else:
        low, high = spec.get('range', (-2.0, 2.0))
        data = (torch.rand(shape, generator=generator, dtype=torch.float64) * (high - low) + low).to(TORCH_DTYPES[dtype])
    return data


def apply_layout(data, layout):
    """Returns (stored, logical): `stored` is what Lantern receives; `logical` = layout applied to stored."""
    if layout == 'transposed':
        stored = data.transpose(-1, -2).contiguous()
        return stored, stored.transpose(-1, -2)
    if layout == 'strided':  # every other element of a twice-as-long last dim
        stored = torch.zeros(*data.shape[:-1], data.shape[-1] * 2, dtype=data.dtype)
        stored[..., ::2] = data
        return stored, stored[..., ::2]
    return data, data


def flat(t):
    t = t.detach()
    if t.dtype == torch.int64:
        t = t.to(torch.int32)
    values = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        values = [1 if v else 0 for v in values]
    return [v if not isinstance(v, float) or math.isfinite(v) else str(v) for v in values]


def dtype_name(t):
    return {torch.float32: 'float32', torch.float64: 'float64', torch.int32: 'int32', torch.int64: 'int32',
            torch.bool: 'bool'}[t.dtype]


def case(name, op, inputs, attrs=None, tolerance=None):
    attrs = attrs or {}
    generator = torch.Generator().manual_seed(len(cases) + 1)
    stored, logical = [], []
    for spec in inputs:
        data = make_input(spec, generator)
        s, l = apply_layout(data, spec.get('layout'))
        if spec.get('grad'):
            s = s.clone().requires_grad_(True)
            l = apply_layout_view(s, spec.get('layout'))
        stored.append(s)
        logical.append(l)
    result = OPS[op](logical, attrs)
    outputs = list(result) if isinstance(result, tuple) else [result]
    entry = {
        'name': name, 'op': op, 'attrs': attrs,
        'inputs': [{'shape': list(s.shape), 'dtype': dtype_name(s), 'values': flat(s), 'grad': bool(spec.get('grad')),
                    'layout': spec.get('layout')} for s, spec in zip(stored, inputs)],
        'outputs': [{'shape': list(o.shape), 'dtype': dtype_name(o), 'values': flat(o)} for o in outputs],
    }
    if tolerance:
        entry['tolerance'] = tolerance
    if any(spec.get('grad') for spec in inputs):
        upstream = (torch.rand(outputs[0].shape, generator=generator, dtype=torch.float64) * 2 - 1).to(outputs[0].dtype)
        outputs[0].backward(upstream)
        entry['upstream'] = flat(upstream)
        entry['grads'] = [flat(s.grad) if spec.get('grad') else None for s, spec in zip(stored, inputs)]
    cases.append(entry)


def apply_layout_view(stored, layout):
    if layout == 'transposed':
        return stored.transpose(-1, -2)
    if layout == 'strided':
        return stored[..., ::2]
    return stored


def f(shape, grad=True, **extra):
    return {'shape': shape, 'grad': grad, **extra}


from conformance_cases import define_cases  # noqa: E402

define_cases(case, f)

out = os.path.join(os.path.dirname(__file__), '..', 'src', '__fixtures__', 'cases.json')
with open(out, 'w') as handle:
    json.dump({'generator': 'scripts/generate_fixtures.py', 'torch': torch.__version__, 'cases': cases}, handle,
              separators=(',', ':'))
print(f'wrote {len(cases)} cases to {os.path.normpath(out)} ({os.path.getsize(out)} bytes)')
