import { createCpuBackend, registerCpuBackend } from '@lantern/backend-cpu';
import { InvalidArgumentError as InvalidArgumentErrorFromNn } from '@lantern/nn';
import {
  DTypeError,
  getBackend,
  getFastKernel,
  InvalidArgumentError,
  randn,
  registerBackend,
  registerFastKernel,
  ShapeError,
  tensor,
  zeros,
} from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import {
  BCEWithLogitsLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  CrossEntropyLoss,
  crossEntropy,
  huberLoss,
  InvalidArgumentError as InvalidArgumentErrorFromLosses,
  KLDivLoss,
  klDiv,
  MSELoss,
  nllLoss,
} from './index.js';

await registerCpuBackend();

const int32 = (values: number[]) => tensor(values, { dtype: 'int32' });

describe("class-index cross entropy and core's softmaxCrossEntropy", () => {
  it("runs through a backend's fused kernel when the options allow, and composes otherwise", () => {
    registerBackend(createCpuBackend('cpu-counting'));
    const fused = getFastKernel(getBackend('cpu'), 'softmaxCrossEntropy')!;
    let calls = 0;
    registerFastKernel('cpu-counting', 'softmaxCrossEntropy', (...args) => {
      calls++;
      fused(...args);
    });
    const logits = randn([4, 3], { backend: 'cpu-counting', requiresGrad: true });
    const targets = tensor([0, 2, -100, 1], { dtype: 'int32', backend: 'cpu-counting' });
    const viaKernel = crossEntropy(logits, targets);
    expect(calls).toBe(1);
    viaKernel.backward();
    const composed = crossEntropy(logits, targets, { labelSmoothing: 0, weight: tensor([1, 1, 1], { backend: 'cpu-counting' }) });
    expect(calls).toBe(1);
    expect(composed.item()).toBeCloseTo(viaKernel.item(), 6);
  });
});

describe('losses on a backend that only reads asynchronously', () => {
  it('never read values synchronously (so no target validation there), and still give the right values', async () => {
    const synchronous = createCpuBackend('cpu-async');
    registerBackend({ ...synchronous, name: 'cpu-async', supportsSyncRead: false, readSync: undefined });
    const logits = randn([3, 4]);
    const targets = int32([1, -100, 3]);
    const expected = crossEntropy(logits, targets).item();
    const onAsync = crossEntropy(logits.to('cpu-async'), targets.to('cpu-async'));
    expect((await onAsync.data())[0]).toBeCloseTo(expected, 6);
    const probabilities = tensor([0.2, 0.9]).to('cpu-async');
    expect((await binaryCrossEntropy(probabilities, tensor([0, 1]).to('cpu-async')).data())[0]).toBeGreaterThan(0);
  });
});

describe('bad input gets typed errors naming the loss and the shapes', () => {
  it("throws the core's InvalidArgumentError, re-exported by losses and nn under the same name", () => {
    expect(InvalidArgumentErrorFromLosses).toBe(InvalidArgumentError);
    expect(InvalidArgumentErrorFromNn).toBe(InvalidArgumentError);
    expect(() => huberLoss(zeros([2]), zeros([2]), { delta: 0 })).toThrow(InvalidArgumentErrorFromLosses);
  });
  it('rejects reductions, targets and weights that do not fit', () => {
    const logits = randn([2, 3]);
    expect(() => crossEntropy(logits, int32([0, 3]))).toThrow(/crossEntropy: target 3 is out of bounds for 3 classes/);
    expect(() => crossEntropy(logits, int32([0, 1, 2]))).toThrow(ShapeError);
    expect(() => crossEntropy(logits, tensor([0.0, 1.5]))).toThrow(DTypeError);
    expect(() => crossEntropy(logits, int32([0, 1]), { weight: zeros([4]) })).toThrow(
      /weight \[4\] should be a 1-D tensor of 3 class weights/,
    );
    expect(() => crossEntropy(logits, int32([0, 1]), { labelSmoothing: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => crossEntropy(logits, int32([0, 1]), { reduction: 'average' as 'mean' })).toThrow(
      /reduction 'average' is not valid/,
    );
    expect(() => nllLoss(logits, int32([0, -1]))).toThrow(/out of bounds/);
    expect(() => new MSELoss({ reduction: 'batchmean' as 'mean' })).toThrow(InvalidArgumentError);
    expect(() => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1]))).toThrow(/between 0 and 1/);
    expect(() => binaryCrossEntropy(tensor([0.5, 0.5]), tensor([[0, 1]]))).toThrow(
      /target size \[1, 2\] must be the same as input size \[2\]/,
    );
    expect(() => binaryCrossEntropyWithLogits(zeros([2, 3]), zeros([2, 3]), { posWeight: zeros([2]) })).toThrow(ShapeError);
    expect(() => klDiv(logits, logits, { reduction: 'average' as 'mean' })).toThrow(InvalidArgumentError);
    expect(new KLDivLoss({ reduction: 'batchmean' }).reduction).toBe('batchmean');
  });
});

describe('losses as modules', () => {
  it("keep class weights as buffers under PyTorch's names, moved by to()", () => {
    registerBackend(createCpuBackend('cpu-moved'));
    const criterion = new CrossEntropyLoss({ weight: tensor([1, 2, 3]) });
    expect(Object.keys(criterion.stateDict())).toEqual(['weight']);
    expect(Object.keys(new BCEWithLogitsLoss({ posWeight: tensor([2]) }).stateDict())).toEqual(['pos_weight']);
    expect(Object.keys(new CrossEntropyLoss().stateDict())).toEqual([]);
    criterion.to('cpu-moved');
    expect(criterion.weight!.backend.name).toBe('cpu-moved');
    expect(
      criterion(randn([2, 3], { backend: 'cpu-moved' }), tensor([0, 2], { dtype: 'int32', backend: 'cpu-moved' })).backend.name,
    ).toBe('cpu-moved');
  });

  it('print as PyTorch prints them', () => {
    expect(String(new CrossEntropyLoss())).toBe('CrossEntropyLoss()');
  });
});
