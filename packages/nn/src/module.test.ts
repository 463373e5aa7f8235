import { createCpuBackend, registerCpuBackend } from '@lantern/backend-cpu';
import {
  InvalidArgumentError as CoreInvalidArgumentError,
  LanternError,
  ones,
  randn,
  registerBackend,
  type Tensor,
  tensor,
  zeros,
} from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import {
  type AnyModule,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Identity,
  InvalidArgumentError,
  Linear,
  Module,
  ModuleList,
  Parameter,
  ReLU,
  Sequential,
  StateDictError,
} from './index.js';

await registerCpuBackend();

class TwoLayer extends Module {
  first = new Linear(4, 3);
  activation = new ReLU();
  second = new Linear(3, 2);

  forward(x: Tensor): Tensor {
    return this.second(this.activation(this.first(x)));
  }
}

class Scaled extends Module {
  scale = new Parameter(ones([2]));
  offset: Parameter | null = new Parameter(zeros([2]));
  notAParameter = ones([2]); // a plain tensor is not registered, as in PyTorch
  body = new TwoLayer();

  constructor() {
    super();
    this.registerBuffer('step_count', zeros([], { dtype: 'int32' }));
    this.registerBuffer('scratch', zeros([3]), { persistent: false });
  }

  forward(x: Tensor): Tensor {
    return this.body(x)
      .mul(this.scale)
      .add(this.offset ?? 0);
  }
}

describe('Module registration and traversal', () => {
  it('registers fields in declaration order, own parameters and buffers before children', () => {
    const model = new Scaled();
    expect(model.namedParameters().map(([name]) => name)).toEqual([
      'scale',
      'offset',
      'body.first.weight',
      'body.first.bias',
      'body.second.weight',
      'body.second.bias',
    ]);
    expect(Object.keys(model.stateDict())).toEqual([
      'scale',
      'offset',
      'step_count',
      'body.first.weight',
      'body.first.bias',
      'body.second.weight',
      'body.second.bias',
    ]);
    expect(model.namedBuffers().map(([name]) => name)).toEqual(['step_count', 'scratch']);
    expect(model.namedChildren().map(([name]) => name)).toEqual(['body']);
    expect(model.namedModules().map(([name]) => name)).toEqual(['', 'body', 'body.first', 'body.activation', 'body.second']);
    expect(model.parameters(false)).toHaveLength(2);
  });

  it('follows reassigned fields: a replaced child or a parameter set to null', () => {
    const model = new Scaled();
    model.offset = null;
    model.body.second = new Linear(3, 5);
    expect(model.namedParameters().map(([name, p]) => `${name}:${p.shape.join('x')}`)).toEqual([
      'scale:2',
      'body.first.weight:3x4',
      'body.first.bias:3',
      'body.second.weight:5x3',
      'body.second.bias:5',
    ]);
  });

  it('lists a shared parameter or module once in parameters() but under every name in stateDict()', () => {
    const shared = new Linear(2, 2);
    const model = new Sequential(shared, new ReLU(), shared);
    expect(model.parameters()).toHaveLength(2);
    expect(model.modules()).toHaveLength(3);
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(model.length).toBe(3);
    expect([...model]).toEqual([shared, model[1], shared]);
  });

  it('is callable: model(x) runs forward', () => {
    const model = new TwoLayer();
    const x = randn([5, 4]);
    expect(model(x).toArray()).toEqual(model.forward(x).toArray());
    expect(model(x).shape).toEqual([5, 2]);
    expect(model instanceof Module).toBe(true);
    expect(model instanceof TwoLayer).toBe(true);
  });

  it('lets fields named name and length be declared and assigned', () => {
    // TypeScript sees a callable type's Function members, hence `override`; at runtime a module has neither.
    class Named extends Module {
      override name = 'encoder';
      override length = 3;
      forward(x: Tensor) {
        return x;
      }
    }
    const module = new Named();
    module.name = 'decoder';
    expect([module.name, module.length]).toEqual(['decoder', 3]);
  });

  it('Sequential is indexable, iterable and sliceable; ModuleList registers its modules', () => {
    const model = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
    expect(model[0]).toBeInstanceOf(Linear);
    expect(model.at(-1)).toBe(model[2]);
    expect(() => model.at(3)).toThrow(InvalidArgumentError);
    expect(model.slice(0, 2).length).toBe(2);
    expect(model.slice(0, 2)(randn([1, 4])).shape).toEqual([1, 3]);
    const list = new ModuleList([new Linear(2, 2), new Linear(2, 2)]).append(new Identity());
    expect(list.length).toBe(3);
    expect(Object.keys(list.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(() => (list as unknown as () => void)()).toThrow(LanternError);
  });

  it('train() and eval() reach every descendant', () => {
    const model = new Sequential(new Linear(2, 2), new Sequential(new Dropout(0.5), new BatchNorm2d(2)));
    expect(model.modules().every((module) => module.training)).toBe(true);
    model.eval();
    expect(model.modules().some((module) => module.training)).toBe(false);
    model.train();
    expect(model.modules().every((module) => module.training)).toBe(true);
  });

  it('zeroGrad clears gradients to null, or to zeros in place', () => {
    const model = new TwoLayer();
    model(randn([3, 4]))
      .sum()
      .backward();
    const grad = model.first.weight.grad!;
    model.zeroGrad(false);
    expect(model.first.weight.grad).toBe(grad);
    expect(grad.abs().sum().item()).toBe(0);
    model.zeroGrad();
    expect(model.parameters().every((parameter) => parameter.grad === null)).toBe(true);
  });

  it('apply visits children before their parent', () => {
    const visited: string[] = [];
    new TwoLayer().apply((module) => visited.push(module.constructor.name));
    expect(visited).toEqual(['Linear', 'ReLU', 'Linear', 'TwoLayer']);
  });

  it('to(backend) moves parameters (keeping grad flags, gradients and sharing) and buffers', () => {
    registerBackend(createCpuBackend('cpu-other'));
    const shared = new Linear(2, 2);
    const model = new Sequential(shared, new BatchNorm2d(2), shared);
    model(randn([1, 2, 2, 2]))
      .sum()
      .backward();
    const before = model.stateDict();
    model.to('cpu-other');
    expect(model.parameters().every((parameter) => parameter.backend.name === 'cpu-other' && parameter.requiresGrad)).toBe(true);
    expect(model.parameters().every((parameter) => parameter.grad?.backend.name === 'cpu-other')).toBe(true);
    expect(model.buffers().every((buffer) => buffer.backend.name === 'cpu-other')).toBe(true);
    expect(model[0]).toBe(model[2]);
    expect((model[0] as Linear).weight).toBeInstanceOf(Parameter);
    expect(model.parameters()).toHaveLength(4);
    for (const [key, value] of Object.entries(model.stateDict())) expect(value.toArray(), key).toEqual(before[key]!.toArray());
    model.to('cpu');
    expect(model(randn([1, 2, 2, 2]).to('cpu')).backend.name).toBe('cpu');
  });
});

describe('stateDict and loadStateDict', () => {
  it('gives detached views sharing storage with the parameters', () => {
    const model = new Linear(2, 2);
    const state = model.stateDict();
    expect(state.weight!.requiresGrad).toBe(false);
    state.weight!.fill_(3);
    expect(model.weight.toArray()).toEqual([
      [3, 3],
      [3, 3],
    ]);
  });

  it('copies values in, casting dtype, and round-trips between two models', () => {
    const source = new TwoLayer(),
      target = new TwoLayer();
    const state = source.stateDict();
    state['first.bias'] = state['first.bias']!.double();
    expect(target.loadStateDict(state)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [key, value] of Object.entries(target.stateDict()))
      expect(value.toArray(), key).toEqual(source.stateDict()[key]!.toArray());
    expect(target.first.bias!.dtype).toBe('float32');
    const x = randn([2, 4]);
    expect(target(x).toArray()).toEqual(source(x).toArray());
  });

  it('strict loading names missing and unexpected keys and shape mismatches, and copies nothing', () => {
    const model = new TwoLayer();
    const weightBefore = model.first.weight.toArray();
    const state = { ...new TwoLayer().stateDict(), 'third.weight': zeros([1]), 'second.weight': zeros([3, 3]) } as Record<
      string,
      Tensor
    >;
    delete state['first.bias'];
    let error: StateDictError | undefined;
    try {
      model.loadStateDict(state);
    } catch (caught) {
      error = caught as StateDictError;
    }
    expect(error).toBeInstanceOf(StateDictError);
    expect(error!.missingKeys).toEqual(['first.bias']);
    expect(error!.unexpectedKeys).toEqual(['third.weight']);
    expect(error!.shapeMismatches).toEqual([{ key: 'second.weight', received: [3, 3], expected: [2, 3] }]);
    expect(error!.message).toContain('Missing key(s) in state_dict: "first.bias".');
    expect(error!.message).toContain('Unexpected key(s) in state_dict: "third.weight".');
    expect(error!.message).toContain(
      'size mismatch for second.weight: copying a param with shape [3, 3] from checkpoint, the shape in current model is [2, 3].',
    );
    expect(model.first.weight.toArray()).toEqual(weightBefore);
  });

  it('non-strict loading reports key differences but still refuses shape mismatches', () => {
    const model = new TwoLayer();
    const partial = { 'first.weight': zeros([3, 4]), extra: ones([1]) };
    expect(model.loadStateDict(partial, { strict: false })).toEqual({
      missingKeys: ['first.bias', 'second.weight', 'second.bias'],
      unexpectedKeys: ['extra'],
    });
    expect(model.first.weight.abs().sum().item()).toBe(0);
    expect(() => model.loadStateDict({ 'first.weight': zeros([4, 3]) }, { strict: false })).toThrow(StateDictError);
  });

  it('accepts a Map and includes only persistent buffers', () => {
    const model = new Scaled();
    const state = new Map(Object.entries(new Scaled().stateDict()));
    state.set('step_count', tensor(5, { dtype: 'int32' }).reshape([]));
    model.loadStateDict(state);
    expect(model.stateDict().step_count!.item()).toBe(5);
    expect(Object.keys(model.stateDict())).not.toContain('scratch');
  });

  it('getSubmodule follows dotted paths', () => {
    const model = new Sequential(new Sequential(new Conv2d(1, 1, 1)));
    expect(model.getSubmodule('0.0')).toBeInstanceOf(Conv2d);
    expect(() => model.getSubmodule('0.1')).toThrow(/no submodule '1'/);
  });
});

describe('layer argument checks', () => {
  it("throw the core's InvalidArgumentError, which nn re-exports under the same name", () => {
    expect(InvalidArgumentError).toBe(CoreInvalidArgumentError);
    expect(() => new Dropout(-0.1)).toThrow(CoreInvalidArgumentError);
    expect(new InvalidArgumentError('x')).toBeInstanceOf(LanternError);
  });
  it('rejects bad configurations with typed errors', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(InvalidArgumentError);
    expect(() => new Conv2d(4, 3, 3, { groups: 2 })).toThrow(/out_channels \(3\) must be divisible by groups \(2\)/);
    expect(() => new Conv2d(2, 2, 3, { padding: 'same', stride: 2 })).toThrow(InvalidArgumentError);
    expect(() => new Dropout(1.5)).toThrow(InvalidArgumentError);
    const conv: AnyModule = new Conv2d(3, 4, 3);
    expect(() => conv(zeros([1, 2, 5, 5]))).toThrow(/conv2d: input \[1, 2, 5, 5\] and weight \[4, 3, 3, 3\]/);
    expect(() => new Linear(3, 2)(zeros([2, 4]))).toThrow(/linear: input \[2, 4\] does not match weight \[2, 3\]/);
  });
});
