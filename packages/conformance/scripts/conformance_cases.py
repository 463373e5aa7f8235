"""The conformance cases: broadcasting, non-contiguous inputs, size-1 and size-0 dims, odd sizes."""

POSITIVE = (0.2, 3.0)


def define_cases(case, f):
    unary_ops = ['neg', 'exp', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'erf', 'abs', 'square']
    for op in unary_ops:
        case(f'{op} odd size', op, [f([3, 7])])
        case(f'{op} transposed input', op, [f([5, 4], layout='transposed')])
    for op in ['log', 'sqrt', 'rsqrt', 'reciprocal']:
        case(f'{op} positive', op, [f([13], range=POSITIVE)])
        case(f'{op} strided input', op, [f([2, 5], range=POSITIVE, layout='strided')])
    for op in ['sign', 'floor', 'ceil']:
        case(f'{op} values', op, [f([4, 6], range=(-3.0, 3.0))])
    case('round half to even', 'round', [f([6], values=[0.5, 1.5, 2.5, -0.5, -1.5, 0.49])])
    case('relu at zero', 'relu', [f([5], values=[-1.0, 0.0, 0.0, 2.0, -0.0])])
    case('gelu exact', 'gelu', [f([3, 5], range=(-4.0, 4.0))])
    case('gelu tanh', 'gelu', [f([3, 5], range=(-4.0, 4.0))], {'approximate': 'tanh'})
    case('leakyRelu', 'leakyRelu', [f([4, 5])], {'slope': 0.1})
    case('clamp both', 'clamp', [f([20], range=(-3.0, 3.0))], {'min': -1.0, 'max': 1.5})
    case('clamp min only', 'clamp', [f([20], range=(-3.0, 3.0))], {'min': 0.5})
    case('clamp boundary', 'clamp', [f([4], values=[-1.0, 1.0, 0.0, 2.0])], {'min': -1.0, 'max': 1.0})
    case('softmax last dim', 'softmax', [f([3, 7], range=(-5.0, 5.0))], {'dim': -1})
    case('softmax dim 0 transposed', 'softmax', [f([4, 3], layout='transposed')], {'dim': 0})
    case('softmax large values', 'softmax', [f([2, 3], values=[1000.0, 1001.0, 1002.0, -1000.0, 0.0, 1000.0])], {'dim': 1})
    case('logSoftmax', 'logSoftmax', [f([4, 10], range=(-8.0, 8.0))], {'dim': 1})
    case('logicalNot', 'logicalNot', [f([7], grad=False, dtype='bool')])

    for op in ['add', 'sub', 'mul', 'div', 'maximum', 'minimum']:
        other = {'range': POSITIVE} if op == 'div' else {}
        case(f'{op} same shape', op, [f([3, 4]), f([3, 4], **other)])
        case(f'{op} broadcast row', op, [f([5, 1, 3]), f([4, 3], **other)])
        case(f'{op} broadcast scalar tensor', op, [f([2, 3]), f([], **other)])
        case(f'{op} transposed and strided', op, [f([3, 4], layout='transposed'), f([3, 4], layout='strided', **other)])
    case('add size-0 dim', 'add', [f([0, 3]), f([1, 3])])
    case('mul size-1 dims', 'mul', [f([1, 1, 5]), f([2, 1, 1])])
    case('maximum ties', 'maximum', [f([4], values=[1.0, 2.0, 3.0, 4.0]), f([4], values=[1.0, 3.0, 3.0, 0.0])])
    case('minimum ties', 'minimum', [f([3], values=[1.0, 2.0, 3.0]), f([3], values=[1.0, 3.0, 2.0])])
    case('pow positive base', 'pow', [f([3, 4], range=POSITIVE), f([3, 4], range=(-2.0, 2.0))])
    case('pow zero base', 'pow', [f([4], values=[0.0, 0.0, 2.0, 1.5]), f([4], values=[2.0, 0.0, 3.0, 0.5])])
    case('add scalar', 'addScalar', [f([2, 3])], {'value': 2.5})
    case('mul scalar', 'mulScalar', [f([2, 3])], {'value': -3.0})
    case('pow scalar', 'powScalar', [f([6], range=POSITIVE)], {'value': 3.0})
    case('rsub scalar', 'rsubScalar', [f([6])], {'value': 1.0})
    case('add int32', 'add', [f([5], grad=False, dtype='int32'), f([5], grad=False, dtype='int32')])
    case('div int32 is true division', 'div', [f([5], grad=False, dtype='int32', values=[7, -7, 6, 1, 0]),
                                               f([5], grad=False, dtype='int32', values=[2, 2, 3, 4, 5])])
    case('add int32 and float32 promotes', 'add', [f([4], grad=False, dtype='int32'), f([4])])
    for op in ['lt', 'le', 'gt', 'ge', 'eq', 'ne']:
        case(f'{op} broadcast', op, [f([3, 4], grad=False, dtype='int32'), f([4], grad=False, dtype='int32')])
    case('where broadcast', 'where', [f([3, 1], grad=False, dtype='bool'), f([3, 4]), f([4])])

    case('matmul 2d', 'matmul', [f([5, 7]), f([7, 3])])
    case('matmul transposed operands', 'matmul', [f([4, 6], layout='transposed'), f([6, 3], layout='transposed')])
    case('matmul vector vector', 'matmul', [f([7]), f([7])])
    case('matmul matrix vector', 'matmul', [f([3, 7]), f([7])])
    case('matmul vector matrix', 'matmul', [f([7]), f([7, 2])])
    case('matmul batched broadcast', 'matmul', [f([2, 1, 3, 4]), f([3, 4, 5])])
    case('matmul odd sizes', 'matmul', [f([13, 9]), f([9, 11])])
    case('matmul size-0 inner', 'matmul', [f([3, 0]), f([0, 2])])
    case('linear with bias', 'linear', [f([4, 6]), f([3, 6]), f([3])])
    case('linear batched no bias', 'linear', [f([2, 5, 6]), f([3, 6])])
    case('cast float32 to int32', 'cast', [f([6], grad=False, values=[1.7, -1.7, 0.2, -0.0, 3.0, 2.5])], {'dtype': 'int32'})
    case('cast float32 to float64', 'cast', [f([2, 3])], {'dtype': 'float64'})

    case('sum all', 'sum', [f([3, 5])])
    case('sum dim', 'sum', [f([3, 5])], {'dim': 1})
    case('sum dims keepdim', 'sum', [f([2, 3, 4])], {'dim': [0, 2], 'keepdim': True})
    case('sum negative dim transposed', 'sum', [f([4, 6], layout='transposed')], {'dim': -1})
    case('sum size-0 dim', 'sum', [f([0, 3])], {'dim': 0})
    case('sum int32', 'sum', [f([7], grad=False, dtype='int32')])
    case('mean dim', 'mean', [f([4, 5])], {'dim': 0})
    case('mean all strided', 'mean', [f([3, 4], layout='strided')])
    case('var dim', 'var', [f([4, 6])], {'dim': 1})
    case('var all', 'var', [f([9])])
    case('std keepdim', 'std', [f([3, 5])], {'dim': 1, 'keepdim': True})
    case('amax dims', 'amax', [f([3, 4, 5])], {'dim': [1, 2]})
    case('amax ties split the gradient', 'amax', [f([2, 3], values=[1.0, 3.0, 3.0, 2.0, 2.0, 0.0])], {'dim': 1})
    case('amin dim', 'amin', [f([3, 6])], {'dim': 0})
    case('max all', 'maxAll', [f([4, 5])])
    case('min all', 'minAll', [f([4, 5])])
    case('max dim values and indices', 'maxDim', [f([3, 7])], {'dim': 1})
    case('max dim ties pick the first', 'maxDim', [f([2, 3], values=[1.0, 3.0, 3.0, 5.0, 5.0, 5.0])], {'dim': 1})
    case('min dim keepdim', 'minDim', [f([4, 3], layout='transposed')], {'dim': 0, 'keepdim': True})
    case('argmax dim', 'argmax', [f([4, 6], grad=False)], {'dim': 1})
    case('argmax all', 'argmax', [f([3, 5], grad=False)])
    case('argmin dim keepdim', 'argmin', [f([5, 3], grad=False)], {'dim': 0, 'keepdim': True})

    case('reshape transposed (copies)', 'reshape', [f([3, 4], layout='transposed')], {'shape': [2, 6]})
    case('reshape infer', 'reshape', [f([2, 3, 4])], {'shape': [-1, 4]})
    case('permute', 'permute', [f([2, 3, 4])], {'dims': [2, 0, 1]})
    case('transpose', 'transpose', [f([3, 5])], {'dim0': 0, 'dim1': 1})
    case('expand', 'expand', [f([3, 1])], {'shape': [2, 3, 4]})
    case('slice step', 'slice', [f([5, 9])], {'dim': 1, 'start': 1, 'end': 8, 'step': 3})
    case('slice negative bounds', 'slice', [f([6, 3])], {'dim': 0, 'start': -4, 'end': -1})
    case('narrow', 'narrow', [f([4, 5])], {'dim': 1, 'start': 1, 'length': 3})
    case('select', 'select', [f([3, 4, 2])], {'dim': 1, 'index': -1})
    case('flip', 'flip', [f([3, 4])], {'dims': [0, 1]})
    case('flip transposed', 'flip', [f([3, 4], layout='transposed')], {'dims': [1]})
    case('squeeze all', 'squeeze', [f([1, 3, 1, 2])])
    case('squeeze dim', 'squeeze', [f([3, 1, 2])], {'dim': 1})
    case('unsqueeze', 'unsqueeze', [f([3, 2])], {'dim': -1})
    case('flatten from 1', 'flatten', [f([2, 3, 4])], {'start': 1})
    case('contiguous of transposed', 'contiguous', [f([4, 3], layout='transposed')])
    case('cat dim 1', 'cat', [f([2, 3]), f([2, 1]), f([2, 4], layout='strided')], {'dim': 1})
    case('cat with size-0', 'cat', [f([0, 3]), f([2, 3])], {'dim': 0})
    case('stack dim 1', 'stack', [f([2, 3]), f([2, 3])], {'dim': 1})
    case('pad last two dims', 'pad', [f([1, 2, 3, 3])], {'padding': [1, 2, 0, 1]})
    case('pad with value', 'pad', [f([2, 3])], {'padding': [2, 0], 'value': -1.5})

    conv = lambda n, c, h, w, o, k, groups=1, bias=True: [f([n, c, h, w]), f([o, c // groups, k, k])] + ([f([o])] if bias else [])
    case('conv2d course layer shape', 'conv2d', conv(2, 3, 8, 8, 4, 5), {'padding': 2}, tolerance={'rtol': 1e-4, 'atol': 1e-4})
    case('conv2d no bias odd size', 'conv2d', conv(1, 2, 7, 9, 3, 3, bias=False))
    case('conv2d stride 2 padding 1', 'conv2d', conv(2, 3, 9, 9, 4, 3), {'stride': 2, 'padding': 1})
    case('conv2d dilation 2', 'conv2d', conv(1, 2, 9, 9, 3, 3), {'dilation': 2, 'padding': 2})
    case('conv2d groups 2', 'conv2d', conv(2, 4, 6, 6, 6, 3, groups=2), {'groups': 2, 'padding': 1})
    case('conv2d rectangular stride', 'conv2d', conv(1, 3, 8, 7, 2, 3), {'stride': [2, 1], 'padding': [0, 1]})
    case('conv2d same padding even kernel', 'conv2d', [f([1, 2, 6, 6]), f([3, 2, 4, 4]), f([3])], {'padding': 'same'})
    case('conv2d 1x1', 'conv2d', conv(2, 5, 4, 4, 3, 1))
    case('conv2d transposed input', 'conv2d', [f([1, 2, 6, 5], layout='transposed'), f([3, 2, 3, 3])])
    case('maxPool2d 2x2', 'maxPool2d', [f([2, 3, 8, 8])], {'kernel': 2})
    case('maxPool2d odd input', 'maxPool2d', [f([1, 2, 7, 7])], {'kernel': 2})
    case('maxPool2d overlapping padded', 'maxPool2d', [f([1, 2, 7, 6])], {'kernel': 3, 'stride': 2, 'padding': 1})
    case('maxPool2d ceil mode', 'maxPool2d', [f([1, 1, 7, 7])], {'kernel': 2, 'ceilMode': True})
    case('maxPool2d dilation', 'maxPool2d', [f([1, 2, 8, 8])], {'kernel': 2, 'dilation': 2, 'stride': 1})
    case('avgPool2d 2x2', 'avgPool2d', [f([2, 3, 6, 6])], {'kernel': 2})
    case('avgPool2d padded exclude pad', 'avgPool2d', [f([1, 2, 7, 7])], {'kernel': 3, 'stride': 2, 'padding': 1,
                                                                         'countIncludePad': False})
    case('avgPool2d ceil mode include pad', 'avgPool2d', [f([1, 1, 7, 7])], {'kernel': 2, 'ceilMode': True, 'padding': 1})
    case('avgPool2d divisor override', 'avgPool2d', [f([1, 1, 4, 4])], {'kernel': 2, 'divisorOverride': 3})
    case('adaptiveAvgPool2d uneven', 'adaptiveAvgPool2d', [f([2, 3, 7, 5])], {'size': [3, 2]})
    case('adaptiveAvgPool2d global', 'adaptiveAvgPool2d', [f([1, 4, 5, 5])], {'size': 1})
    case('softmaxCrossEntropy', 'softmaxCrossEntropy', [f([5, 10], range=(-4.0, 4.0)),
                                                       f([5], grad=False, dtype='int32', range=(0, 10))])
    case('softmaxCrossEntropy -inf logit', 'softmaxCrossEntropy', [
        f([2, 3], values=[0.0, float('-inf'), 1.0, 2.0, 0.5, float('-inf')]),
        f([2], grad=False, dtype='int32', values=[0, 1])])

    # Optimizer updates (sgdUpdate_, adamUpdate_): a parameter and one gradient per step, from fresh state, so the
    # first step and the later ones are both covered. Strided parameters and gradients are updated where they lie.
    update = lambda shape, steps, param_layout=None, grad_layout=None: [
        f(shape, grad=False, layout=param_layout), f([steps] + shape, grad=False, layout=grad_layout)]
    case('sgdUpdate plain', 'sgdUpdate', update([3, 4], 2), {'lr': 0.1})
    case('sgdUpdate momentum dampening weight decay', 'sgdUpdate', update([3, 5], 3, param_layout='transposed'),
         {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3, 'weightDecay': 0.01})
    case('sgdUpdate nesterov maximize', 'sgdUpdate', update([2, 6], 3, param_layout='strided', grad_layout='transposed'),
         {'lr': 0.05, 'momentum': 0.8, 'weightDecay': 0.1, 'nesterov': True, 'maximize': True})
    case('adamUpdate', 'adamUpdate', update([4, 3], 3), {'lr': 0.01})
    case('adamUpdate amsgrad maximize weight decay', 'adamUpdate', update([3, 5], 3, param_layout='transposed'),
         {'lr': 0.02, 'betas': [0.8, 0.99], 'eps': 1e-6, 'weightDecay': 0.1, 'amsgrad': True, 'maximize': True})
    case('adamUpdate decoupled weight decay (AdamW) amsgrad', 'adamUpdate',
         update([2, 6], 3, param_layout='strided', grad_layout='transposed'),
         {'lr': 0.02, 'betas': [0.9, 0.95], 'weightDecay': 0.05, 'decoupledWeightDecay': True, 'amsgrad': True})
