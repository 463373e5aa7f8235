"""Writes the PyTorch reference fixtures for @lantern/optim's tests.

Run with Debian's torch 1.13.1 under /usr/bin/python3 (not another python3 on PATH; docs/FIXTURES.md):

    /usr/bin/python3 packages/optim/scripts/generate_fixtures.py

It writes src/__fixtures__/optimizers.json (multi-step trajectories of every optimizer and option combination, fed
the same stored gradients, plus PyTorch's argument-validation messages) and src/__fixtures__/lr-schedulers.json
(learning-rate sequences of every scheduler). Option names in the fixtures are Lantern's (camelCase); this script
translates them to torch's keyword arguments. Every optimizer runs its single-tensor path (foreach=False), the one
Lantern's update rules follow.
"""
import json
import math
import os
import warnings

import torch

# Fixtures are reproducible only from the pinned reference environment (docs/FIXTURES.md): Debian bookworm's
# python3-torch 1.13.1, imported by /usr/bin/python3. Debian builds it without PyTorch's release tag, so it reports
# itself as 1.13.0a0; another torch build may round differently or draw other random numbers.
if torch.__version__ != '1.13.0a0' or not torch.__file__.startswith('/usr/lib/python3/dist-packages/'):
    raise SystemExit(f"{os.path.basename(__file__)}: needs torch 1.13.1 from Debian bookworm's python3-torch, run with "
                     f"/usr/bin/python3 (docs/FIXTURES.md); found torch {torch.__version__} at {torch.__file__}")

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'src', '__fixtures__')
STEPS = 12
SHAPES = [[3, 4], [4]]
# Steps (0-based) at which the second parameter gets no gradient: torch.optim skips it, state and step count alike.
NO_GRAD_STEPS = {3, 7}

TORCH_NAMES = {
    'weightDecay': 'weight_decay', 'lrDecay': 'lr_decay', 'initialAccumulatorValue': 'initial_accumulator_value',
}
STATE_NAMES = {
    'momentum_buffer': 'momentumBuffer', 'exp_avg': 'expAvg', 'exp_avg_sq': 'expAvgSq', 'max_exp_avg_sq': 'maxExpAvgSq',
    'square_avg': 'squareAvg', 'grad_avg': 'gradAvg', 'sum': 'sum', 'step': 'step',
}
OPTIMIZERS = {
    'SGD': torch.optim.SGD, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW,
    'RMSprop': torch.optim.RMSprop, 'Adagrad': torch.optim.Adagrad,
}


def torch_options(options):
    converted = {TORCH_NAMES.get(key, key): value for key, value in options.items()}
    if 'betas' in converted:
        converted['betas'] = tuple(converted['betas'])
    return converted


def make_data():
    generator = torch.Generator().manual_seed(20240601)
    initial = [torch.randn(shape, generator=generator).flatten().tolist() for shape in SHAPES]
    grads = []
    for step in range(STEPS):
        row = []
        for index, shape in enumerate(SHAPES):
            if index == 1 and step in NO_GRAD_STEPS:
                row.append(None)
                continue
            # Magnitudes spread over three decades, so eps and the square-root terms matter.
            scale = 10 ** (torch.rand(shape, generator=generator) * 3 - 2)
            row.append((torch.randn(shape, generator=generator) * scale).float().flatten().tolist())
        grads.append(row)
    return initial, grads


def run_case(case, initial, grads):
    dtype = getattr(torch, case['dtype'])
    params = [torch.tensor(values, dtype=dtype).reshape(shape).requires_grad_()
              for values, shape in zip(initial, SHAPES)]
    if 'groups' in case:
        groups = [dict(torch_options(group['options']), params=[params[i] for i in group['params']])
                  for group in case['groups']]
        optimizer = OPTIMIZERS[case['optimizer']](groups, foreach=False, **torch_options(case['options']))
    else:
        optimizer = OPTIMIZERS[case['optimizer']](params, foreach=False, **torch_options(case['options']))
    trajectory = []
    for step in range(STEPS):
        for param, grad in zip(params, grads[step]):
            param.grad = None if grad is None else torch.tensor(grad, dtype=dtype).reshape(param.shape)
        optimizer.step()
        trajectory.append([param.detach().flatten().tolist() for param in params])
    state = optimizer.state_dict()['state']
    final_state = {}
    for index, entries in state.items():
        final_state[str(index)] = {
            STATE_NAMES[key]: (None if value is None else
                               float(value) if key == 'step' else value.flatten().tolist())
            for key, value in entries.items()
        }
    return dict(case, trajectory=trajectory, finalState=final_state)


def optimizer_cases():
    cases = []

    def add(optimizer, name, options, groups=None, dtype='float32'):
        case = {'optimizer': optimizer, 'name': name, 'dtype': dtype, 'options': options}
        if groups is not None:
            case['groups'] = groups
        cases.append(case)

    two_groups = lambda second: [{'params': [0], 'options': {}}, {'params': [1], 'options': second}]
    add('SGD', 'plain', {'lr': 0.1})
    add('SGD', 'momentum', {'lr': 0.1, 'momentum': 0.9})
    add('SGD', 'momentum with dampening', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.5})
    add('SGD', 'nesterov', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True})
    add('SGD', 'weight decay', {'lr': 0.1, 'weightDecay': 0.01})
    add('SGD', 'nesterov with weight decay', {'lr': 0.05, 'momentum': 0.8, 'weightDecay': 0.1, 'nesterov': True})
    add('SGD', 'maximize with momentum', {'lr': 0.1, 'momentum': 0.9, 'maximize': True})
    add('SGD', 'maximize, decay, dampening', {'lr': 0.1, 'momentum': 0.5, 'dampening': 0.1, 'weightDecay': 0.05,
                                              'maximize': True})
    add('SGD', 'param groups', {'lr': 0.1, 'momentum': 0.9}, two_groups({'lr': 0.01, 'momentum': 0.5}))
    add('SGD', 'float64 nesterov', {'lr': 0.1, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.01}, dtype='float64')

    add('Adam', 'defaults', {})
    add('Adam', 'betas', {'lr': 0.01, 'betas': [0.8, 0.99]})
    add('Adam', 'weight decay', {'lr': 0.01, 'weightDecay': 0.1})
    add('Adam', 'amsgrad', {'lr': 0.01, 'amsgrad': True})
    add('Adam', 'maximize', {'lr': 0.01, 'maximize': True})
    add('Adam', 'everything', {'lr': 0.01, 'eps': 1e-3, 'amsgrad': True, 'weightDecay': 0.05, 'maximize': True})
    add('Adam', 'param groups', {'lr': 0.01}, two_groups({'lr': 0.05, 'betas': [0.5, 0.9], 'amsgrad': True}))
    add('Adam', 'float64 amsgrad', {'lr': 0.01, 'amsgrad': True, 'weightDecay': 0.01}, dtype='float64')

    add('AdamW', 'defaults', {})
    add('AdamW', 'weight decay', {'lr': 0.01, 'weightDecay': 0.1})
    add('AdamW', 'no decay, amsgrad', {'lr': 0.01, 'weightDecay': 0, 'amsgrad': True})
    add('AdamW', 'maximize amsgrad', {'lr': 0.01, 'maximize': True, 'amsgrad': True, 'betas': [0.7, 0.95]})
    add('AdamW', 'param groups', {'lr': 0.01}, two_groups({'lr': 0.02, 'weightDecay': 0.5}))
    add('AdamW', 'float64', {'lr': 0.01, 'weightDecay': 0.1, 'amsgrad': True}, dtype='float64')

    add('RMSprop', 'defaults', {})
    add('RMSprop', 'alpha', {'lr': 0.01, 'alpha': 0.9})
    add('RMSprop', 'momentum', {'lr': 0.01, 'momentum': 0.9})
    add('RMSprop', 'centered', {'lr': 0.01, 'centered': True})
    add('RMSprop', 'centered momentum decay', {'lr': 0.01, 'centered': True, 'momentum': 0.5, 'weightDecay': 0.1})
    add('RMSprop', 'maximize eps', {'lr': 0.01, 'maximize': True, 'eps': 1e-4})
    add('RMSprop', 'param groups', {'lr': 0.01}, two_groups({'lr': 0.001, 'centered': True, 'momentum': 0.3}))
    add('RMSprop', 'float64 centered momentum', {'lr': 0.01, 'centered': True, 'momentum': 0.9}, dtype='float64')

    add('Adagrad', 'defaults', {})
    add('Adagrad', 'lr decay', {'lr': 0.1, 'lrDecay': 0.05})
    add('Adagrad', 'weight decay', {'lr': 0.1, 'weightDecay': 0.1})
    add('Adagrad', 'initial accumulator', {'lr': 0.1, 'initialAccumulatorValue': 0.5})
    add('Adagrad', 'maximize eps decay', {'lr': 0.1, 'eps': 1e-3, 'maximize': True, 'lrDecay': 0.01})
    add('Adagrad', 'param groups', {'lr': 0.1}, two_groups({'lr': 0.3, 'lrDecay': 0.1}))
    add('Adagrad', 'float64', {'lr': 0.1, 'lrDecay': 0.02, 'weightDecay': 0.01}, dtype='float64')
    return cases


def error_cases():
    """Invalid arguments and PyTorch's message for each (numbers chosen so Python and JS print them alike)."""
    specs = [
        ('SGD', 'params', {'lr': -0.1}),
        ('SGD', 'params', {'lr': 0.1, 'momentum': -0.5}),
        ('SGD', 'params', {'lr': 0.1, 'weightDecay': -1}),
        ('SGD', 'params', {'lr': 0.1, 'nesterov': True}),
        ('SGD', 'params', {'lr': 0.1, 'momentum': 0.9, 'dampening': 0.1, 'nesterov': True}),
        ('SGD', 'empty', {'lr': 0.1}),
        ('SGD', 'overlapping', {'lr': 0.1}),
        ('SGD', 'missing lr', {}),
        ('Adam', 'params', {'lr': -1}),
        ('Adam', 'params', {'eps': -0.1}),
        ('Adam', 'params', {'betas': [-0.5, 0.999]}),
        ('Adam', 'params', {'betas': [0.9, 1.5]}),
        ('Adam', 'params', {'weightDecay': -0.1}),
        ('AdamW', 'params', {'betas': [0.9, 1.5]}),
        ('AdamW', 'params', {'lr': -0.5}),
        ('RMSprop', 'params', {'alpha': -0.1}),
        ('RMSprop', 'params', {'momentum': -0.1}),
        ('RMSprop', 'params', {'eps': -0.1}),
        ('RMSprop', 'params', {'weightDecay': -0.1}),
        ('Adagrad', 'params', {'lrDecay': -0.1}),
        ('Adagrad', 'params', {'initialAccumulatorValue': -0.1}),
        ('Adagrad', 'params', {'eps': -0.1}),
        ('Adagrad', 'params', {'lr': -0.1}),
    ]
    cases = []
    for optimizer, params_kind, options in specs:
        weight = torch.zeros(2, requires_grad=True)
        bias = torch.zeros(2, requires_grad=True)
        if params_kind == 'empty':
            params = []
        elif params_kind == 'overlapping':
            params = [{'params': [weight, bias]}, {'params': [bias]}]
        else:
            params = [weight, bias]
        try:
            OPTIMIZERS[optimizer](params, foreach=False, **torch_options(options))
        except (ValueError, TypeError) as error:
            cases.append({'optimizer': optimizer, 'params': params_kind, 'options': options, 'message': str(error)})
        else:
            raise AssertionError(f'{optimizer} {options} did not raise')
    return cases


LAMBDAS = {
    'pow095': lambda epoch: 0.95 ** epoch,
    'pow09': lambda epoch: 0.9 ** epoch,
    'inverse': lambda epoch: 1 / (epoch + 1),
}


def make_scheduler(optimizer, spec):
    kind, args = spec['scheduler'], dict(spec.get('args', {}))
    scheduler_module = torch.optim.lr_scheduler
    if kind == 'LambdaLR':
        names = args.pop('lrLambda')
        args['lr_lambda'] = [LAMBDAS[name] for name in names] if isinstance(names, list) else LAMBDAS[names]
    if kind == 'SequentialLR':
        args['schedulers'] = [make_scheduler(optimizer, child) for child in args.pop('schedulers')]
    renamed = {
        'stepSize': 'step_size', 'tMax': 'T_max', 'etaMin': 'eta_min', 'startFactor': 'start_factor',
        'endFactor': 'end_factor', 'totalIters': 'total_iters', 'maxLr': 'max_lr', 'totalSteps': 'total_steps',
        'stepsPerEpoch': 'steps_per_epoch', 'pctStart': 'pct_start', 'annealStrategy': 'anneal_strategy',
        'cycleMomentum': 'cycle_momentum', 'baseMomentum': 'base_momentum', 'maxMomentum': 'max_momentum',
        'divFactor': 'div_factor', 'finalDivFactor': 'final_div_factor', 'threePhase': 'three_phase',
        'thresholdMode': 'threshold_mode', 'minLr': 'min_lr',
    }
    return getattr(scheduler_module, kind)(optimizer, **{renamed.get(k, k): v for k, v in args.items()})


def run_scheduler_case(case):
    weight = torch.zeros(2, requires_grad=True)
    bias = torch.zeros(2, requires_grad=True)
    groups = [{'params': [weight], 'lr': 0.1}, {'params': [bias], 'lr': 0.05}]
    if case['optimizer'] == 'Adam':
        optimizer = torch.optim.Adam(groups, betas=(0.9, 0.999))
    else:
        optimizer = torch.optim.SGD(groups, lr=0.1, momentum=0.9)
    schedulers = [make_scheduler(optimizer, spec) for spec in case['chain']]

    def momenta():
        if case['optimizer'] == 'Adam':
            return [group['betas'][0] for group in optimizer.param_groups]
        return [group['momentum'] for group in optimizer.param_groups]

    # The optimizer's lrs, which equal get_last_lr() of the last scheduler (ReduceLROnPlateau has none in 1.13).
    lrs = [[group['lr'] for group in optimizer.param_groups]]
    momentum_sequence = [momenta()]
    for step in range(case['steps']):
        optimizer.step()
        for scheduler in schedulers:
            if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                scheduler.step(case['metrics'][step])
            elif 'epochs' in case:
                scheduler.step(case['epochs'][step])  # the deprecated explicit epoch: torch's closed form
            else:
                scheduler.step()
        lrs.append([group['lr'] for group in optimizer.param_groups])
        momentum_sequence.append(momenta())
    result = dict(case, lrs=lrs)
    if any(spec['scheduler'] == 'OneCycleLR' for spec in case['chain']):
        result['momenta'] = momentum_sequence
    if case.get('stepPastEnd'):
        # The last step that still has a value, then the one past the end, which raises.
        schedulers[-1].step()
        result['lastLrs'] = [group['lr'] for group in optimizer.param_groups]
        try:
            schedulers[-1].step()
        except ValueError as error:
            result['stepPastEndMessage'] = str(error)
        else:
            raise AssertionError('OneCycleLR did not raise past its end')
    return result


def scheduler_cases():
    def case(name, chain, steps, optimizer='SGD', **extra):
        return dict({'name': name, 'optimizer': optimizer, 'chain': chain, 'steps': steps}, **extra)

    linear_warmup = {'scheduler': 'LinearLR', 'args': {'startFactor': 0.1, 'totalIters': 3}}
    plateau_metrics = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.7, 0.4, 0.41, 0.42, 0.43, 0.44]
    return [
        case('StepLR', [{'scheduler': 'StepLR', 'args': {'stepSize': 3, 'gamma': 0.5}}], 12),
        case('MultiStepLR repeated milestone', [{'scheduler': 'MultiStepLR',
                                                 'args': {'milestones': [2, 5, 5, 9], 'gamma': 0.3}}], 12),
        case('ExponentialLR', [{'scheduler': 'ExponentialLR', 'args': {'gamma': 0.9}}], 12),
        case('CosineAnnealingLR past T_max', [{'scheduler': 'CosineAnnealingLR',
                                               'args': {'tMax': 5, 'etaMin': 0.001}}], 23),
        case('CosineAnnealingLR default eta', [{'scheduler': 'CosineAnnealingLR', 'args': {'tMax': 4}}], 12),
        case('LinearLR defaults', [{'scheduler': 'LinearLR'}], 8),
        case('LinearLR decay', [{'scheduler': 'LinearLR',
                                 'args': {'startFactor': 1.0, 'endFactor': 0.1, 'totalIters': 4}}], 8),
        case('LambdaLR one lambda', [{'scheduler': 'LambdaLR', 'args': {'lrLambda': 'pow095'}}], 10),
        case('LambdaLR per group', [{'scheduler': 'LambdaLR', 'args': {'lrLambda': ['inverse', 'pow09']}}], 10),
        case('OneCycleLR cos SGD momentum', [{'scheduler': 'OneCycleLR',
                                              'args': {'maxLr': [0.5, 0.2], 'totalSteps': 20}}], 19,
             stepPastEnd=True),
        case('OneCycleLR linear three-phase Adam betas', [{'scheduler': 'OneCycleLR', 'args': {
            'maxLr': 0.3, 'totalSteps': 16, 'annealStrategy': 'linear', 'threePhase': True,
            'baseMomentum': 0.8, 'maxMomentum': 0.9}}], 15, optimizer='Adam'),
        case('OneCycleLR epochs no momentum', [{'scheduler': 'OneCycleLR', 'args': {
            'maxLr': 1.0, 'epochs': 4, 'stepsPerEpoch': 5, 'pctStart': 0.25, 'divFactor': 10.0,
            'finalDivFactor': 100.0, 'cycleMomentum': False}}], 19),
        case('ReduceLROnPlateau min rel', [{'scheduler': 'ReduceLROnPlateau',
                                            'args': {'factor': 0.5, 'patience': 2}}], 18, metrics=plateau_metrics),
        case('ReduceLROnPlateau cooldown abs min_lr', [{'scheduler': 'ReduceLROnPlateau', 'args': {
            'factor': 0.2, 'patience': 1, 'cooldown': 2, 'threshold': 0.05, 'thresholdMode': 'abs',
            'minLr': [0.01, 0.0]}}], 18, metrics=plateau_metrics),
        case('ReduceLROnPlateau max', [{'scheduler': 'ReduceLROnPlateau', 'args': {
            'mode': 'max', 'factor': 0.5, 'patience': 0}}], 18, metrics=plateau_metrics),
        case('SequentialLR warmup then exponential', [{'scheduler': 'SequentialLR', 'args': {
            'schedulers': [linear_warmup, {'scheduler': 'ExponentialLR', 'args': {'gamma': 0.9}}],
            'milestones': [3]}}], 10),
        case('SequentialLR three schedulers', [{'scheduler': 'SequentialLR', 'args': {
            'schedulers': [{'scheduler': 'StepLR', 'args': {'stepSize': 2, 'gamma': 0.5}},
                           {'scheduler': 'LambdaLR', 'args': {'lrLambda': 'pow095'}},
                           {'scheduler': 'CosineAnnealingLR', 'args': {'tMax': 4, 'etaMin': 0.01}}],
            'milestones': [4, 7]}}], 14),
        case('chained ExponentialLR and StepLR', [{'scheduler': 'ExponentialLR', 'args': {'gamma': 0.9}},
                                                  {'scheduler': 'StepLR', 'args': {'stepSize': 3, 'gamma': 0.5}}], 12),
        case('StepLR closed form', [{'scheduler': 'StepLR', 'args': {'stepSize': 3, 'gamma': 0.5}}], 5,
             epochs=[4, 9, 2, 0, 7]),
        case('MultiStepLR closed form', [{'scheduler': 'MultiStepLR', 'args': {'milestones': [2, 5, 5, 9]}}], 5,
             epochs=[5, 1, 10, 9, 3]),
        case('ExponentialLR closed form', [{'scheduler': 'ExponentialLR', 'args': {'gamma': 0.8}}], 4, epochs=[3, 1, 6, 0]),
        case('CosineAnnealingLR closed form', [{'scheduler': 'CosineAnnealingLR', 'args': {'tMax': 6, 'etaMin': 0.01}}],
             5, epochs=[2, 6, 9, 1, 13]),
        case('LinearLR closed form', [{'scheduler': 'LinearLR', 'args': {'startFactor': 0.25, 'totalIters': 4}}], 4,
             epochs=[2, 7, 1, 4]),
        case('chained warmup and cosine', [linear_warmup,
                                           {'scheduler': 'CosineAnnealingLR', 'args': {'tMax': 8}}], 12),
    ]


def scheduler_errors():
    specs = [
        {'scheduler': 'LinearLR', 'args': {'startFactor': 1.5}},
        {'scheduler': 'LinearLR', 'args': {'endFactor': -0.5}},
        {'scheduler': 'ReduceLROnPlateau', 'args': {'factor': 1.5}},
        {'scheduler': 'ReduceLROnPlateau', 'args': {'mode': 'maximum'}},
        {'scheduler': 'ReduceLROnPlateau', 'args': {'thresholdMode': 'relative'}},
        {'scheduler': 'ReduceLROnPlateau', 'args': {'minLr': [0.1]}},
        {'scheduler': 'LambdaLR', 'args': {'lrLambda': ['pow09']}},
        {'scheduler': 'OneCycleLR', 'args': {'maxLr': 0.1}},
        {'scheduler': 'OneCycleLR', 'args': {'maxLr': 0.1, 'totalSteps': 0}},
        {'scheduler': 'OneCycleLR', 'args': {'maxLr': 0.1, 'totalSteps': 10, 'annealStrategy': 'exp'}},
        {'scheduler': 'OneCycleLR', 'args': {'maxLr': 0.1, 'totalSteps': 10, 'pctStart': 1.5}},
        {'scheduler': 'OneCycleLR', 'args': {'maxLr': [0.1], 'totalSteps': 10}},
        {'scheduler': 'SequentialLR', 'args': {'schedulers': [{'scheduler': 'ExponentialLR', 'args': {'gamma': 0.9}}],
                                               'milestones': [3]}},
    ]
    cases = []
    for spec in specs:
        weight = torch.zeros(2, requires_grad=True)
        bias = torch.zeros(2, requires_grad=True)
        optimizer = torch.optim.SGD([{'params': [weight]}, {'params': [bias]}], lr=0.1, momentum=0.9)
        try:
            make_scheduler(optimizer, spec)
        except ValueError as error:
            cases.append(dict(spec, message=str(error)))
        else:
            raise AssertionError(f'{spec} did not raise')
    return cases


def write(name, payload):
    path = os.path.join(FIXTURES, name)
    with open(path, 'w') as handle:
        json.dump(payload, handle, separators=(',', ':'))
        handle.write('\n')
    print(f'wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)')


def main():
    torch.set_num_threads(1)
    warnings.simplefilter('ignore')  # SequentialLR's step(0) warns that the epoch argument is deprecated
    initial, grads = make_data()
    write('optimizers.json', {
        'torch': torch.__version__, 'steps': STEPS, 'shapes': SHAPES, 'initial': initial, 'grads': grads,
        'cases': [run_case(case, initial, grads) for case in optimizer_cases()],
        'errors': error_cases(),
    })
    write('lr-schedulers.json', {
        'torch': torch.__version__,
        'cases': [run_scheduler_case(case) for case in scheduler_cases()],
        'errors': scheduler_errors(),
    })


if __name__ == '__main__':
    main()
