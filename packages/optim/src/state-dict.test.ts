import { registerCpuBackend } from '@lantern/backend-cpu';
import { type Tensor, tensor, zeros } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, type OptimizerCase, optimizerFixture, setGrads, setUpCase } from './__fixtures__/fixtures.js';
import { OptimizerError, type OptimizerStateDict, SGD, stateDictFromJson, stateDictToJson } from './index.js';

await registerCpuBackend();

const half = 5;

/** Saves through JSON text, as a checkpoint written to disk and read by another process would be. */
async function throughJson<T>(value: unknown): Promise<T> {
  return stateDictFromJson<T>(JSON.parse(JSON.stringify(await stateDictToJson(value))));
}

function runSteps(testCase: OptimizerCase, setUp: ReturnType<typeof setUpCase>, from: number, to: number): void {
  for (let step = from; step < to; step++) {
    setGrads(setUp.params, step, testCase.dtype);
    setUp.optimizer.step();
  }
}

describe('stateDict round trip: 5 steps, save through JSON, load into a fresh optimizer, 5 more = 10 straight steps', () => {
  it.each(
    optimizerFixture.cases.map((testCase) => [`${testCase.optimizer}: ${testCase.name} (${testCase.dtype})`, testCase] as const),
  )('%s', async (_label, testCase) => {
    const straight = setUpCase(testCase);
    runSteps(testCase, straight, 0, 2 * half);

    const first = setUpCase(testCase);
    runSteps(testCase, first, 0, half);
    const saved = await throughJson<{ params: Tensor[]; optimizer: OptimizerStateDict }>({
      params: first.params,
      optimizer: first.optimizer.stateDict(),
    });
    // The fresh optimizer gets a different learning rate: loading must restore the saved group options too.
    const resumed = setUpCase(
      testCase,
      saved.params.map((param) => [...param.dataSync()]),
      { ...testCase.options, lr: 123 },
    );
    resumed.optimizer.loadStateDict(saved.optimizer);
    runSteps(testCase, resumed, half, 2 * half);

    resumed.params.forEach((param, index) => {
      expect([...param.dataSync()], `param ${index}`).toEqual([...straight.params[index]!.dataSync()]);
      expectClose(param.dataSync(), testCase.trajectory[2 * half - 1]![index]!, testCase.dtype, `param ${index} against PyTorch`);
    });
    expect(resumed.optimizer.paramGroups.map(({ params: _params, ...options }) => options)).toEqual(
      straight.optimizer.paramGroups.map(({ params: _params, ...options }) => options),
    );
  });
});

describe('stateDict layout and loading checks', () => {
  it('numbers parameters in group order, as torch.optim does', () => {
    const [a, b, c] = [zeros([2]).requiresGrad_(), zeros([3]).requiresGrad_(), zeros([1]).requiresGrad_()];
    const optimizer = new SGD([{ params: [a, b] }, { params: [c], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    for (const param of [a, c]) param.grad = param.onesLike();
    optimizer.step();
    const { state, paramGroups } = optimizer.stateDict();
    expect(paramGroups.map((group) => group.params)).toEqual([[0, 1], [2]]);
    expect(paramGroups[1]).toMatchObject({ lr: 0.5, momentum: 0.9, dampening: 0, nesterov: false });
    expect(Object.keys(state)).toEqual(['0', '2']);
    expect((state['2']!.momentumBuffer as Tensor).toArray()).toEqual([1]);
  });

  it('copies state tensors on load, cast to the parameter dtype', () => {
    const weight = zeros([2], { dtype: 'float64' }).requiresGrad_();
    const optimizer = new SGD([weight], { lr: 0.1, momentum: 0.9 });
    const buffer = tensor([1.5, 2.5], { dtype: 'float32' });
    optimizer.loadStateDict({
      state: { 0: { momentumBuffer: buffer } },
      paramGroups: [{ ...optimizer.stateDict().paramGroups[0]!, params: [0] }],
    });
    const loaded = optimizer.state.get(weight)!.momentumBuffer as Tensor;
    expect(loaded).not.toBe(buffer);
    expect(loaded.dtype).toBe('float64');
    buffer.fill_(0);
    expect(loaded.toArray()).toEqual([1.5, 2.5]);
  });

  it('rejects state dicts whose groups do not match', () => {
    const [a, b] = [zeros([2]).requiresGrad_(), zeros([2]).requiresGrad_()];
    const saved = new SGD([a, b], { lr: 0.1 }).stateDict();
    expect(() => new SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 }).loadStateDict(saved)).toThrow(
      new OptimizerError('SGD: loaded state dict has a different number of parameter groups'),
    );
    expect(() => new SGD([a], { lr: 0.1 }).loadStateDict(saved)).toThrow(
      "SGD: loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
    );
  });

  it('serialises tensors of every dtype and non-finite numbers exactly', async () => {
    const value = {
      float32: tensor([0.1, -3.25e-20, 1e30], { dtype: 'float32' }),
      float64: tensor([[Math.PI], [-0]], { dtype: 'float64' }),
      int32: tensor([7, -2147483648], { dtype: 'int32' }),
      bool: tensor([true, false, true]),
      empty: zeros([0, 3]),
      numbers: [Infinity, -Infinity, 1.5, null, 'text', false],
    };
    const restored = await throughJson<typeof value>(value);
    for (const key of ['float32', 'float64', 'int32', 'bool', 'empty'] as const) {
      expect(restored[key].dtype).toBe(value[key].dtype);
      expect(restored[key].shape).toEqual(value[key].shape);
      expect(restored[key].dataSync()).toEqual(value[key].dataSync());
    }
    expect(Object.is(restored.float64.dataSync()[1], -0)).toBe(true);
    expect(restored.numbers).toEqual(value.numbers);
  });
});
