"""Writes @lantern/nn's PyTorch reference fixtures into src/__fixtures__/.

Run with Debian's torch (1.13.1): /usr/bin/python3 scripts/generate_fixtures.py

- layers.json: each layer's forward output and gradients (input and parameters) for a fixed input and upstream
  gradient, with the parameters PyTorch initialised (the test loads them through loadStateDict).
- init.json: default Linear/Conv2d initial weights after torch.manual_seed, and the torch.nn.init functions.
- cifar-net.safetensors + cifar-net.json: the course's CIFAR CNN as PyTorch initialises it, a batch and its outputs.
- batchnorm-net.safetensors + batchnorm-net.json: a small conv/batchnorm/linear model after a few training steps
  (running statistics and num_batches_tracked are int64 in the file, as PyTorch writes them), and its eval outputs.
- dtypes.safetensors + dtypes.json: one tensor per dtype PyTorch can write, to check the reader's conversions.

The safetensors files are written here by hand from the format's specification (8-byte little-endian header
length, JSON header, raw little-endian data), laid out as the reference writer does, because the `safetensors`
package is not in the reference environment (Debian bookworm does not package it).
"""
import hashlib
import json
import math
import os
import struct

import torch
import torch.nn as nn

# Fixtures are reproducible only from the pinned reference environment (docs/FIXTURES.md): Debian bookworm's
# python3-torch 1.13.1, imported by /usr/bin/python3. Debian builds it without PyTorch's release tag, so it reports
# itself as 1.13.0a0; another torch build may round differently or draw other random numbers.
if torch.__version__ != '1.13.0a0' or not torch.__file__.startswith('/usr/lib/python3/dist-packages/'):
    raise SystemExit(f"{os.path.basename(__file__)}: needs torch 1.13.1 from Debian bookworm's python3-torch, run with "
                     f"/usr/bin/python3 (docs/FIXTURES.md); found torch {torch.__version__} at {torch.__file__}")

OUT = os.path.join(os.path.dirname(__file__), '..', 'src', '__fixtures__')
torch.set_num_threads(1)


def values(tensor):
    return {'shape': list(tensor.shape), 'data': tensor.detach().reshape(-1).tolist()}


def fingerprint(tensor):
    """Exact but compact: the SHA-256 of the float32 bytes, plus a few values and the sum to debug a mismatch."""
    flat = tensor.detach().reshape(-1).contiguous()
    return {
        'shape': list(tensor.shape),
        'sha256': hashlib.sha256(flat.numpy().tobytes()).hexdigest(),
        'head': flat[:8].tolist(),
        'sum': flat.double().sum().item(),
    }


SAFETENSORS_DTYPES = {
    torch.float64: ('F64', 8), torch.float32: ('F32', 4), torch.float16: ('F16', 2), torch.bfloat16: ('BF16', 2),
    torch.int64: ('I64', 8), torch.int32: ('I32', 4), torch.int16: ('I16', 2), torch.int8: ('I8', 1),
    torch.uint8: ('U8', 1), torch.bool: ('BOOL', 1),
}


def tensor_bytes(tensor):
    tensor = tensor.detach().contiguous()
    if tensor.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the bits as int16
        return tensor.view(torch.int16).numpy().astype('<i2').tobytes()
    array = tensor.numpy()
    return array.astype(array.dtype.newbyteorder('<')).tobytes()


def save_safetensors(tensors, path, metadata=None):
    """The reference layout: larger dtypes first, then by name; header padded with spaces to a multiple of 8."""
    order = sorted(tensors.items(), key=lambda item: (-SAFETENSORS_DTYPES[item[1].dtype][1], item[0]))
    header, chunks, position = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name, tensor in order:
        data = tensor_bytes(tensor)
        header[name] = {'dtype': SAFETENSORS_DTYPES[tensor.dtype][0], 'shape': list(tensor.shape),
                        'data_offsets': [position, position + len(data)]}
        chunks.append(data)
        position += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as file:
        file.write(struct.pack('<Q', len(text)))
        file.write(text)
        for chunk in chunks:
            file.write(chunk)


def layer_case(name, build, input_shape, train=True, positive=False, steps=1):
    """Runs `steps` forward/backward passes; records the parameters before, outputs and gradients of the last pass."""
    torch.manual_seed(sum(map(ord, name)))
    layer = build()
    layer.train(train)
    state_before = {key: values(value) for key, value in layer.state_dict().items()}
    case = {'name': name, 'train': train, 'stateBefore': state_before, 'passes': []}
    for _ in range(steps):
        x = torch.randn(*input_shape)
        if positive:
            x = x.abs() + 0.1
        x.requires_grad_(True)
        layer.zero_grad()
        y = layer(x)
        g = torch.randn(*y.shape)
        (y * g).sum().backward()
        case['passes'].append({
            'input': values(x), 'output': values(y), 'gradOutput': values(g), 'gradInput': values(x.grad),
            'gradParameters': {key: values(p.grad) for key, p in layer.named_parameters() if p.grad is not None},
        })
    case['stateAfter'] = {key: values(value) for key, value in layer.state_dict().items()}
    return case


def layers():
    cases = [
        layer_case('linear', lambda: nn.Linear(5, 3), [4, 5]),
        layer_case('linear_no_bias_3d', lambda: nn.Linear(5, 3, bias=False), [2, 3, 5]),
        layer_case('conv2d', lambda: nn.Conv2d(3, 4, 3), [2, 3, 6, 6]),
        layer_case('conv2d_stride2_pad1', lambda: nn.Conv2d(3, 4, 3, stride=2, padding=1), [2, 3, 7, 7]),
        layer_case('conv2d_same_even_kernel_dilation', lambda: nn.Conv2d(2, 3, 4, padding='same', dilation=2), [1, 2, 9, 8]),
        layer_case('conv2d_groups_no_bias', lambda: nn.Conv2d(4, 6, 3, groups=2, bias=False), [2, 4, 5, 5]),
        layer_case('conv2d_asymmetric', lambda: nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)), [1, 2, 7, 6]),
        layer_case('conv2d_valid_5x5', lambda: nn.Conv2d(3, 2, 5, padding='valid'), [1, 3, 8, 8]),
        layer_case('maxpool2d', lambda: nn.MaxPool2d(2), [2, 3, 6, 6]),
        layer_case('maxpool2d_k3_s2_p1', lambda: nn.MaxPool2d(3, stride=2, padding=1), [1, 2, 7, 7]),
        layer_case('maxpool2d_ceil', lambda: nn.MaxPool2d(3, stride=2, ceil_mode=True), [1, 2, 8, 8]),
        layer_case('maxpool2d_dilation', lambda: nn.MaxPool2d(2, stride=1, dilation=2), [1, 2, 6, 5]),
        layer_case('maxpool2d_asymmetric', lambda: nn.MaxPool2d((2, 3), stride=(1, 2)), [1, 2, 5, 7]),
        layer_case('avgpool2d', lambda: nn.AvgPool2d(2), [2, 3, 6, 6]),
        layer_case('avgpool2d_pad_exclude', lambda: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), [1, 2, 7, 7]),
        layer_case('avgpool2d_ceil', lambda: nn.AvgPool2d(3, stride=2, ceil_mode=True), [1, 2, 8, 8]),
        layer_case('avgpool2d_divisor', lambda: nn.AvgPool2d(2, divisor_override=3), [1, 2, 4, 4]),
        layer_case('adaptiveavgpool2d', lambda: nn.AdaptiveAvgPool2d((3, 2)), [2, 3, 7, 5]),
        layer_case('adaptiveavgpool2d_global', lambda: nn.AdaptiveAvgPool2d(1), [2, 3, 5, 5]),
        layer_case('adaptiveavgpool2d_none', lambda: nn.AdaptiveAvgPool2d((None, 2)), [1, 2, 3, 5]),
        layer_case('flatten', lambda: nn.Flatten(), [2, 3, 2, 2]),
        layer_case('flatten_0_2', lambda: nn.Flatten(0, 2), [2, 3, 2, 2]),
        layer_case('relu', lambda: nn.ReLU(), [3, 7]),
        layer_case('leakyrelu', lambda: nn.LeakyReLU(0.2), [3, 7]),
        layer_case('sigmoid', lambda: nn.Sigmoid(), [3, 7]),
        layer_case('tanh', lambda: nn.Tanh(), [3, 7]),
        layer_case('gelu', lambda: nn.GELU(), [3, 7]),
        layer_case('gelu_tanh', lambda: nn.GELU(approximate='tanh'), [3, 7]),
        layer_case('softmax', lambda: nn.Softmax(dim=1), [3, 7]),
        layer_case('softmax_last_3d', lambda: nn.Softmax(dim=-1), [2, 3, 4]),
        layer_case('logsoftmax', lambda: nn.LogSoftmax(dim=1), [3, 7]),
        layer_case('dropout_eval', lambda: nn.Dropout(0.3), [3, 7], train=False),
        layer_case('identity', lambda: nn.Identity(), [3, 7]),
        layer_case('batchnorm1d', lambda: nn.BatchNorm1d(4), [8, 4], steps=2),
        layer_case('batchnorm1d_3d', lambda: nn.BatchNorm1d(4), [4, 4, 3], steps=2),
        layer_case('batchnorm1d_cumulative', lambda: nn.BatchNorm1d(3, momentum=None), [6, 3], steps=3),
        layer_case('batchnorm1d_no_affine', lambda: nn.BatchNorm1d(3, affine=False), [6, 3]),
        layer_case('batchnorm2d', lambda: nn.BatchNorm2d(3), [4, 3, 5, 5], steps=2),
        layer_case('batchnorm2d_untracked_eval', lambda: nn.BatchNorm2d(3, track_running_stats=False), [4, 3, 3, 3], train=False),
        layer_case('sequential', lambda: nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                                                       nn.Flatten(), nn.Linear(16, 3)), [2, 2, 4, 4], steps=2),
    ]
    # Eval-mode batch norm with non-trivial running statistics: set them first, as a trained model would have them.
    torch.manual_seed(7)
    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(3))
        bn.running_var.copy_(torch.rand(3) + 0.5)
        bn.weight.copy_(torch.randn(3))
        bn.bias.copy_(torch.randn(3))
    bn.eval()
    state_before = {key: values(value) for key, value in bn.state_dict().items()}
    x = torch.randn(2, 3, 4, 4, requires_grad=True)
    y = bn(x)
    g = torch.randn(*y.shape)
    (y * g).sum().backward()
    cases.append({'name': 'batchnorm2d_eval', 'train': False, 'stateBefore': state_before, 'passes': [{
        'input': values(x), 'output': values(y), 'gradOutput': values(g), 'gradInput': values(x.grad),
        'gradParameters': {key: values(p.grad) for key, p in bn.named_parameters()}}],
        'stateAfter': {key: values(value) for key, value in bn.state_dict().items()}})
    return cases


def init_fixtures():
    result = {'defaults': [], 'functions': []}
    for name, seed, build in [
        ('linear', 0, lambda: nn.Linear(20, 7)),
        ('linear_large', 1234, lambda: nn.Linear(1024, 64)),
        ('conv2d', 42, lambda: nn.Conv2d(3, 8, 5)),
        ('conv2d_groups', 3, lambda: nn.Conv2d(4, 6, 3, groups=2)),
        ('linear_no_bias', 5, lambda: nn.Linear(9, 4, bias=False)),
    ]:
        torch.manual_seed(seed)
        layer = build()
        result['defaults'].append({'name': name, 'seed': seed, 'state': {k: fingerprint(v) for k, v in layer.state_dict().items()}})
    functions = [
        ('kaiming_uniform', lambda t: nn.init.kaiming_uniform_(t)),
        ('kaiming_uniform_fan_out_relu', lambda t: nn.init.kaiming_uniform_(t, mode='fan_out', nonlinearity='relu')),
        ('kaiming_normal', lambda t: nn.init.kaiming_normal_(t)),
        ('kaiming_normal_a', lambda t: nn.init.kaiming_normal_(t, a=0.1, mode='fan_out')),
        ('xavier_uniform', lambda t: nn.init.xavier_uniform_(t)),
        ('xavier_uniform_gain', lambda t: nn.init.xavier_uniform_(t, gain=nn.init.calculate_gain('tanh'))),
        ('xavier_normal', lambda t: nn.init.xavier_normal_(t, gain=2.0)),
        ('normal', lambda t: nn.init.normal_(t, 0.5, 2.0)),
        ('uniform', lambda t: nn.init.uniform_(t, -3.0, 0.5)),
        ('zeros', lambda t: nn.init.zeros_(t)),
        ('ones', lambda t: nn.init.ones_(t)),
    ]
    for shape in ([6, 5], [8, 3, 3, 3], [3, 2]):
        for name, fn in functions:
            torch.manual_seed(11)
            tensor = fn(torch.empty(*shape))
            result['functions'].append({'name': name, 'shape': shape, 'seed': 11, 'values': tensor.reshape(-1).tolist()})
    result['gains'] = {name: nn.init.calculate_gain(name) for name in ['linear', 'conv2d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu']}
    result['gains']['leaky_relu_0.2'] = nn.init.calculate_gain('leaky_relu', 0.2)
    return result


class Net(nn.Module):
    """The course's CIFAR-10 CNN."""

    def __init__(self):
        super().__init__()
        self.model1 = nn.Sequential(
            nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2), nn.Conv2d(32, 32, 5, padding=2), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10))

    def forward(self, x):
        return self.model1(x)


class BatchNormNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(8 * 4 * 4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 5))

    def forward(self, x):
        return self.classifier(self.features(x))


def cifar_net():
    torch.manual_seed(2024)
    net = Net()
    save_safetensors(net.state_dict(), os.path.join(OUT, 'cifar-net.safetensors'), {'format': 'pt'})
    x = torch.randn(2, 3, 32, 32)
    target = torch.tensor([3, 7])
    output = net(x)
    nn.functional.cross_entropy(output, target).backward()
    return {
        'seed': 2024, 'keys': list(net.state_dict().keys()), 'input': values(x), 'output': values(output.detach()),
        'initialState': {k: fingerprint(v) for k, v in net.state_dict().items()},
        'target': target.tolist(),
        'loss': nn.functional.cross_entropy(output, target).item(), 'repr': repr(net),
        'gradients': {k: {'shape': list(p.grad.shape), 'norm': p.grad.norm().item(), 'sum': p.grad.double().sum().item(),
                          'head': p.grad.reshape(-1)[:16].tolist()} for k, p in net.named_parameters()},
    }


def batchnorm_net():
    torch.manual_seed(99)
    net = BatchNormNet()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    for _ in range(3):
        x = torch.randn(6, 3, 8, 8)
        loss = nn.functional.cross_entropy(net(x), torch.randint(0, 5, (6,)))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    save_safetensors(net.state_dict(), os.path.join(OUT, 'batchnorm-net.safetensors'), {'format': 'pt'})
    net.eval()
    x = torch.randn(3, 3, 8, 8)
    return {'keys': list(net.state_dict().keys()), 'repr': repr(net), 'dtypes': {k: str(v.dtype) for k, v in net.state_dict().items()},
            'input': values(x), 'evalOutput': values(net(x).detach())}


def dtype_file():
    torch.manual_seed(5)
    tensors = {
        'f64': torch.randn(2, 3, dtype=torch.float64), 'f32': torch.randn(3), 'f16': torch.randn(4).half(),
        'bf16': torch.randn(2, 2).bfloat16(), 'i64': torch.tensor([-3, 0, 2**31 - 1, -2**31]),
        'i32': torch.tensor([[1, -2], [3, 4]], dtype=torch.int32), 'i16': torch.tensor([-300, 300], dtype=torch.int16),
        'i8': torch.tensor([-128, 127], dtype=torch.int8), 'u8': torch.tensor([0, 255], dtype=torch.uint8),
        'bool': torch.tensor([True, False, True]), 'scalar': torch.tensor(2.5), 'empty': torch.zeros(0, 3),
    }
    save_safetensors(tensors, os.path.join(OUT, 'dtypes.safetensors'), {'format': 'pt', 'note': 'every dtype'})
    expected = {}
    for name, tensor in tensors.items():
        as_float = tensor.float() if tensor.dtype in (torch.float16, torch.bfloat16) else tensor
        expected[name] = {'shape': list(tensor.shape), 'data': as_float.reshape(-1).tolist(), 'torchDtype': str(tensor.dtype)}
    return expected


def write(name, data):
    with open(os.path.join(OUT, name), 'w') as file:
        json.dump(data, file, separators=(',', ':'))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    write('layers.json', layers())
    write('init.json', init_fixtures())
    write('cifar-net.json', cifar_net())
    write('batchnorm-net.json', batchnorm_net())
    write('dtypes.json', dtype_file())
    print('torch', torch.__version__, 'fixtures written to', os.path.abspath(OUT))
