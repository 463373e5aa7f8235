import { registerCpuBackend } from '@lantern/backend-cpu';
import { BackendMismatchError, randn, tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { CrossEntropyLoss, crossEntropy, mseLoss } from './index.js';

// A second cpu instance with the fused cross-entropy kernel: before core checked backends, that kernel read the
// targets' storage as if it were its own and returned a loss computed from the wrong memory.
await registerCpuBackend();
await registerCpuBackend({ name: 'cpu-targets' });

describe('losses with operands on two backends', () => {
  it('refuse them with a typed error naming both backends, on the fused path and the composed ones', () => {
    const logits = randn([2, 3]),
      targets = tensor([2, 0], { dtype: 'int32', backend: 'cpu-targets' });
    expect(() => crossEntropy(logits, targets)).toThrow(BackendMismatchError);
    expect(() => crossEntropy(logits, targets)).toThrow(
      /^softmaxCrossEntropy: expected all tensors on backend 'cpu', but found one on 'cpu-targets'/,
    );
    expect(() => crossEntropy(logits, targets, { labelSmoothing: 0.1 })).toThrow(BackendMismatchError);
    expect(() => mseLoss(logits, randn([2, 3], { backend: 'cpu-targets' }))).toThrow(/'cpu-targets'/);
  });

  it('refuse class weights left on another backend', () => {
    const criterion = new CrossEntropyLoss({ weight: tensor([1, 2, 3], { dtype: 'float32', backend: 'cpu-targets' }) });
    expect(() => criterion(randn([2, 3]), tensor([2, 0], { dtype: 'int32' }))).toThrow(BackendMismatchError);
  });
});
