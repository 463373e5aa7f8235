import { registerCpuBackend } from '@lantern/backend-cpu';
import { BackendMismatchError, type Tensor, tensor, zeros } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, OptimizerError, SGD } from './index.js';

await registerCpuBackend();
await registerCpuBackend({ name: 'cpu-moved-to' });

/** Moves a parameter and its gradient in place, as Module.to does (nn is not a dependency of optim). */
function moveInPlace(param: Tensor, backend: string): void {
  for (const tensor of [param, param.grad!]) {
    const copy = tensor.to(backend);
    tensor.setData(copy);
    copy.dispose();
  }
}

describe('an optimizer whose parameters moved to another backend', () => {
  it('keeps updating them when it had no state yet (they are the same objects)', () => {
    const weight = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const optimizer = new SGD([weight], { lr: 0.5 });
    weight.grad = tensor([2, 2], { dtype: 'float32' });
    moveInPlace(weight, 'cpu-moved-to');
    optimizer.step();
    expect(weight.backend.name).toBe('cpu-moved-to');
    expect(weight.toArray()).toEqual([0, 1]);
  });

  it('refuses a step with state left on the old backend, naming the parameter, and changes nothing', () => {
    const [bias, weight] = [zeros([2]).requiresGrad_(), zeros([2, 3]).requiresGrad_()];
    const optimizer = new Adam([bias, weight], { lr: 0.1 });
    bias.grad = zeros([2]).add(1);
    weight.grad = zeros([2, 3]).add(1);
    optimizer.step();
    moveInPlace(weight, 'cpu-moved-to');
    const before = [bias.toArray(), weight.toArray()];
    let error: unknown;
    try {
      optimizer.step();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BackendMismatchError);
    expect((error as Error).message).toBe(
      "Adam.step: expected all tensors on backend 'cpu-moved-to', but found one on 'cpu' (state 'expAvg' of " +
        'parameter 1, shape [2, 3]); build the optimizer after model.to(backend), or move its state there with ' +
        'optimizer.loadStateDict(optimizer.stateDict())',
    );
    expect([bias.toArray(), weight.toArray()]).toEqual(before);
    optimizer.loadStateDict(optimizer.stateDict());
    expect((optimizer.state.get(weight)!.expAvg as Tensor).backend.name).toBe('cpu-moved-to');
    optimizer.step();
    expect(weight.toArray()).not.toEqual(before[1]);
  });
});

describe('loadStateDict checks the state against the parameters before loading any', () => {
  const weight = zeros([2, 3]).requiresGrad_();
  const optimizer = new SGD([weight], { lr: 0.1, momentum: 0.9 });
  const groups = optimizer.stateDict().paramGroups;

  it('refuses a state tensor whose shape differs from its parameter', () => {
    expect(() => optimizer.loadStateDict({ state: { 0: { momentumBuffer: zeros([3]) } }, paramGroups: groups })).toThrow(
      new OptimizerError(
        "SGD: loaded state dict has state 'momentumBuffer' for parameter 0 of shape [3], but the parameter has shape [2, 3]",
      ),
    );
    expect(optimizer.state.size).toBe(0);
  });

  it('refuses values that are neither tensors, numbers nor null, disposed tensors and malformed dicts', () => {
    const disposed = zeros([2, 3]);
    disposed.dispose();
    const load = (state: unknown, paramGroups: unknown = groups) => optimizer.loadStateDict({ state, paramGroups } as never);
    expect(() => load({ 0: { momentumBuffer: 'fast' } })).toThrow(/state 'momentumBuffer' for parameter 0 that is string/);
    expect(() => load({ 0: { momentumBuffer: disposed } })).toThrow(/was disposed/);
    expect(() => load({ 0: [1] })).toThrow(/state for parameter 0 that is an array, not an object/);
    expect(() => load({}, [{ ...groups[0], params: ['0'] }])).toThrow(/without a list of integer 'params'/);
    expect(() => optimizer.loadStateDict(null as never)).toThrow(OptimizerError);
    expect(() => load(undefined)).toThrow(/must be an object with 'state' and 'paramGroups'/);
  });
});
