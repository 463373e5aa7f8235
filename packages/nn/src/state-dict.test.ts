import { registerCpuBackend } from '@lantern/backend-cpu';
import { randn, type Tensor, tensor, zeros } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Linear, StateDictError } from './index.js';

await registerCpuBackend();

function loadError(load: () => unknown): StateDictError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(StateDictError);
    return error as StateDictError;
  }
  throw new Error('expected loadStateDict to throw');
}

describe('loadStateDict checks every entry before copying any', () => {
  it('refuses a dtype of another kind, naming the key and both dtypes', () => {
    const model = new Linear(2, 2);
    const before = model.weight.toArray();
    const state = { weight: zeros([2, 2], { dtype: 'int32' }), bias: zeros([2]) };
    const error = loadError(() => model.loadStateDict(state));
    expect(error.invalidEntries).toEqual([
      { key: 'weight', problem: 'copying a param of dtype int32 from checkpoint, the dtype in current model is float32' },
    ]);
    expect(error.message).toContain(
      'invalid value for weight: copying a param of dtype int32 from checkpoint, the dtype in current model is float32.',
    );
    expect(model.weight.toArray()).toEqual(before);
    const norm = new BatchNorm1d(2);
    const counts = { ...norm.stateDict(), num_batches_tracked: tensor(1.5) };
    expect(loadError(() => norm.loadStateDict(counts)).invalidEntries.map(({ key }) => key)).toEqual(['num_batches_tracked']);
  });

  it('casts between floating dtypes, as PyTorch does', () => {
    const model = new Linear(2, 2);
    model.loadStateDict({ weight: randn([2, 2], { dtype: 'float64' }), bias: zeros([2], { dtype: 'float64' }) });
    expect(model.weight.dtype).toBe('float32');
  });

  it('refuses values that are not tensors, and disposed tensors', () => {
    const model = new Linear(2, 2);
    const disposed = zeros([2]);
    disposed.dispose();
    const state = { weight: [[1, 2]] as unknown as Tensor, bias: disposed };
    expect(loadError(() => model.loadStateDict(state)).invalidEntries).toEqual([
      { key: 'weight', problem: 'expected a Tensor, got object' },
      { key: 'bias', problem: 'the tensor was disposed' },
    ]);
  });
});
