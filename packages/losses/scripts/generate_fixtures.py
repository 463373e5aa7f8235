"""Writes @lantern/losses' PyTorch reference fixtures to src/__fixtures__/losses.json.

Run with Debian's torch (1.13.1): /usr/bin/python3 scripts/generate_fixtures.py

Each case names the loss, its options as Lantern spells them (camelCase), the input, target and weight tensors, and
PyTorch's output and input gradient. For reduction 'none' the gradient is taken of (output * upstream).sum() with a
random upstream gradient, which the case records too.
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

OUT = os.path.join(os.path.dirname(__file__), '..', 'src', '__fixtures__')
torch.set_num_threads(1)

FUNCTIONS = {
    'crossEntropy': F.cross_entropy, 'nllLoss': F.nll_loss, 'mseLoss': F.mse_loss, 'l1Loss': F.l1_loss,
    'smoothL1Loss': F.smooth_l1_loss, 'huberLoss': F.huber_loss, 'binaryCrossEntropy': F.binary_cross_entropy,
    'binaryCrossEntropyWithLogits': F.binary_cross_entropy_with_logits, 'klDiv': F.kl_div,
}
KWARGS = {'ignoreIndex': 'ignore_index', 'labelSmoothing': 'label_smoothing', 'reduction': 'reduction', 'beta': 'beta',
          'delta': 'delta', 'logTarget': 'log_target', 'weight': 'weight', 'posWeight': 'pos_weight'}


def number(value):
    # JSON has no NaN or infinities: write them as the strings JavaScript's Number() reads back.
    return value if math.isfinite(value) else {math.inf: 'Infinity', -math.inf: '-Infinity'}.get(value, 'NaN')


def values(tensor):
    return {'shape': list(tensor.shape), 'data': [number(v) for v in tensor.detach().reshape(-1).tolist()], 'dtype': str(tensor.dtype)}


def case(name, function, input, target, **options):
    tensors = {key: value for key, value in options.items() if isinstance(value, torch.Tensor)}
    plain = {key: value for key, value in options.items() if not isinstance(value, torch.Tensor)}
    input = input.detach().clone().requires_grad_(True)
    # Lantern's class indices are int32; PyTorch wants int64 (the values are the same).
    torch_target = target.long() if target.dtype == torch.int32 else target
    output = FUNCTIONS[function](input, torch_target, **{KWARGS[key]: value for key, value in options.items()})
    upstream = torch.randn(*output.shape) if output.dim() > 0 else torch.tensor(1.0)
    (output * upstream).sum().backward()
    return {'name': name, 'function': function, 'options': plain,
            'tensors': {key: values(value) for key, value in tensors.items()},
            'input': values(input), 'target': values(target), 'output': values(output), 'upstream': values(upstream),
            'gradInput': values(input.grad)}


def cases():
    torch.manual_seed(0)
    result = []
    logits = torch.randn(6, 5) * 3
    classes = torch.tensor([0, 4, 2, 2, 1, 3], dtype=torch.int32)
    with_ignored = torch.tensor([0, -100, 2, 2, -100, 3], dtype=torch.int32)
    ignore_one = torch.tensor([1, 4, 1, 2, 0, 3], dtype=torch.int32)
    weight = torch.rand(5) + 0.5
    probabilities = torch.softmax(torch.randn(6, 5), 1)
    spatial_logits, spatial_classes = torch.randn(2, 4, 3, 2), torch.randint(0, 4, (2, 3, 2), dtype=torch.int32)
    spatial_probabilities = torch.softmax(torch.randn(2, 4, 3, 2), 1)
    for reduction in ['mean', 'sum', 'none']:
        result.append(case(f'ce_{reduction}', 'crossEntropy', logits, classes, reduction=reduction))
        result.append(case(f'ce_weight_{reduction}', 'crossEntropy', logits, classes, weight=weight, reduction=reduction))
        result.append(case(f'ce_ignored_{reduction}', 'crossEntropy', logits, with_ignored, reduction=reduction))
        result.append(case(f'ce_ignore_index_1_weight_{reduction}', 'crossEntropy', logits, ignore_one, ignoreIndex=1, weight=weight, reduction=reduction))
        result.append(case(f'ce_smoothing_{reduction}', 'crossEntropy', logits, classes, labelSmoothing=0.1, reduction=reduction))
        result.append(case(f'ce_smoothing_weight_ignored_{reduction}', 'crossEntropy', logits, with_ignored, labelSmoothing=0.25, weight=weight, reduction=reduction))
        result.append(case(f'ce_spatial_{reduction}', 'crossEntropy', spatial_logits, spatial_classes, reduction=reduction))
        result.append(case(f'ce_spatial_smoothing_weight_{reduction}', 'crossEntropy', spatial_logits, spatial_classes, labelSmoothing=0.2, weight=torch.rand(4) + 0.5, reduction=reduction))
        result.append(case(f'ce_probabilities_{reduction}', 'crossEntropy', logits, probabilities, reduction=reduction))
        result.append(case(f'ce_probabilities_weight_smoothing_{reduction}', 'crossEntropy', logits, probabilities, weight=weight, labelSmoothing=0.3, reduction=reduction))
        result.append(case(f'ce_probabilities_spatial_{reduction}', 'crossEntropy', spatial_logits, spatial_probabilities, reduction=reduction))
        result.append(case(f'nll_{reduction}', 'nllLoss', torch.log_softmax(logits, 1), classes, reduction=reduction))
        result.append(case(f'nll_weight_ignored_{reduction}', 'nllLoss', torch.log_softmax(logits, 1), with_ignored, weight=weight, reduction=reduction))
        result.append(case(f'nll_spatial_weight_{reduction}', 'nllLoss', torch.log_softmax(spatial_logits, 1), spatial_classes, weight=torch.rand(4), reduction=reduction))
    result.append(case('ce_large_logits', 'crossEntropy', torch.tensor([[1000.0, -1000.0, 0.0], [-500.0, 500.0, 499.0]]), torch.tensor([0, 2], dtype=torch.int32)))
    result.append(case('ce_unbatched', 'crossEntropy', torch.randn(5), torch.tensor(3, dtype=torch.int32)))
    result.append(case('ce_unbatched_none', 'crossEntropy', torch.randn(5), torch.tensor(1, dtype=torch.int32), reduction='none'))
    result.append(case('ce_all_ignored', 'crossEntropy', logits[:2], torch.tensor([-100, -100], dtype=torch.int32)))
    result.append(case('nll_unbatched', 'nllLoss', torch.log_softmax(torch.randn(5), 0), torch.tensor(2, dtype=torch.int32)))

    prediction, target = torch.randn(4, 3), torch.randn(4, 3)
    target[0, 0] = prediction[0, 0]  # a zero difference: L1's gradient there is 0
    for reduction in ['mean', 'sum', 'none']:
        result.append(case(f'mse_{reduction}', 'mseLoss', prediction, target, reduction=reduction))
        result.append(case(f'l1_{reduction}', 'l1Loss', prediction, target, reduction=reduction))
        for beta in [1.0, 0.5, 0.0]:
            result.append(case(f'smooth_l1_beta_{beta}_{reduction}', 'smoothL1Loss', prediction * 2, target, beta=beta, reduction=reduction))
        for delta in [1.0, 2.5]:
            result.append(case(f'huber_delta_{delta}_{reduction}', 'huberLoss', prediction * 2, target, delta=delta, reduction=reduction))
    result.append(case('mse_broadcast', 'mseLoss', torch.randn(4, 3), torch.randn(3)))

    probabilities_in = torch.rand(4, 3) * 0.98 + 0.01
    labels = (torch.rand(4, 3) > 0.5).float()
    soft_labels = torch.rand(4, 3)
    logits_bce = torch.randn(4, 3) * 4
    for reduction in ['mean', 'sum', 'none']:
        result.append(case(f'bce_{reduction}', 'binaryCrossEntropy', probabilities_in, soft_labels, reduction=reduction))
        result.append(case(f'bce_weight_{reduction}', 'binaryCrossEntropy', probabilities_in, labels, weight=torch.rand(3) + 0.5, reduction=reduction))
        result.append(case(f'bce_logits_{reduction}', 'binaryCrossEntropyWithLogits', logits_bce, soft_labels, reduction=reduction))
        result.append(case(f'bce_logits_weight_pos_weight_{reduction}', 'binaryCrossEntropyWithLogits', logits_bce, labels,
                           weight=torch.rand(4, 1) + 0.5, posWeight=torch.tensor([3.0, 0.5, 1.5]), reduction=reduction))
    result.append(case('bce_saturated', 'binaryCrossEntropy', torch.tensor([0.0, 1.0, 1.0, 0.0, 1e-30]), torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0])))
    result.append(case('bce_tiny_probabilities', 'binaryCrossEntropy', torch.tensor([1e-7, 3e-9, 0.5]), torch.tensor([0.0, 0.0, 0.25]), reduction='none'))
    result.append(case('bce_logits_extreme', 'binaryCrossEntropyWithLogits', torch.tensor([-200.0, 200.0, -30.0, 30.0, 0.0]),
                       torch.tensor([1.0, 0.0, 0.0, 1.0, 0.5]), posWeight=torch.tensor(2.0)))

    log_probabilities = torch.log_softmax(torch.randn(4, 5), 1)
    target_probabilities = torch.softmax(torch.randn(4, 5), 1)
    target_probabilities[1, 2] = 0.0  # 0 · log 0 counts as 0
    for reduction in ['mean', 'sum', 'none', 'batchmean']:
        result.append(case(f'kl_{reduction}', 'klDiv', log_probabilities, target_probabilities, reduction=reduction))
        result.append(case(f'kl_log_target_{reduction}', 'klDiv', log_probabilities, torch.log_softmax(torch.randn(4, 5), 1), logTarget=True, reduction=reduction))
    return result


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'losses.json'), 'w') as file:
        json.dump(cases(), file, separators=(',', ':'))
    print('torch', torch.__version__, 'fixtures written to', os.path.abspath(OUT))
