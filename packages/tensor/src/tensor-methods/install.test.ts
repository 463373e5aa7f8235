import { registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '../index.js';

await registerCpuBackend();

// Every method Tensor had when its methods lived in the class body; the split into families must keep them all.
const publicMethods = (
  'abs add amax amin argmax argmin array asView backward bool cast ceil clamp clone contiguous copy_ cos data ' +
  'dataSync detach dispose div double eq erf exp expand expandAs fill_ flatten flip float floor fullLike ge ' +
  'gelu gt index int item le leakyRelu log logSoftmax logicalAnd logicalNot logicalOr lt matmul max maximum ' +
  'mean min minimum mul narrow ne neg normal_ onesLike permute pow reciprocal relu requiresGrad_ reshape ' +
  'kernelView retainGrad round rsqrt select setGradFn sigmoid sign sin slice softmax sqrt square squeeze std sub sum t ' +
  'tanh to toArray toAsync toString transpose uniform_ unsqueeze var view viewAs where zero_ zerosLike'
).split(' ');

describe('Tensor methods installed from their families', () => {
  it('has every public method on its prototype, non-enumerable as a class body makes them', () => {
    for (const name of publicMethods) {
      const descriptor = Object.getOwnPropertyDescriptor(Tensor.prototype, name);
      expect(typeof descriptor?.value, name).toBe('function');
      expect(descriptor?.enumerable, name).toBe(false);
    }
  });
  it('lists no method among a tensor’s enumerable keys', () => {
    const keys: string[] = [];
    for (const key in tensor([1, 2])) keys.push(key);
    expect(keys.filter((key) => publicMethods.includes(key))).toEqual([]);
  });
  it('gives subclasses the methods too (nn.Parameter extends Tensor)', () => {
    class Marked extends Tensor {}
    const source = tensor([1, 2, 3]).float();
    const marked = new Marked(source.storage, source.shape, source.strides, source.offset);
    expect(marked.mul(2).toArray()).toEqual([2, 4, 6]);
    expect(marked.max().item()).toBe(3);
  });
});
