import { registerCpuBackend } from '@lantern/backend-cpu';
import { BackendError, noGrad, randn } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d, Conv2d, Linear, Sequential } from './index.js';

await registerCpuBackend();
await registerCpuBackend({ name: 'cpu-destination' });

describe('Module.to(backend)', () => {
  it('moves parameters, gradients and buffers in place: the same objects, with the same values, elsewhere', () => {
    const model = new Sequential(new Conv2d(2, 3, 3), new BatchNorm2d(3));
    model(randn([2, 2, 5, 5]))
      .sum()
      .backward();
    const parameters = model.parameters(),
      buffers = model.buffers();
    const values = parameters.map((parameter) => parameter.toArray());
    const gradients = parameters.map((parameter) => parameter.grad!.toArray());
    const bufferValues = buffers.map((buffer) => buffer.toArray());
    expect(model.to('cpu-destination')).toBe(model);
    expect(model.parameters()).toEqual(parameters);
    model.parameters().forEach((parameter, index) => {
      expect(parameter).toBe(parameters[index]);
      expect(parameter.backend.name).toBe('cpu-destination');
      expect(parameter.requiresGrad).toBe(true);
      expect(parameter.toArray()).toEqual(values[index]);
      expect(parameter.grad!.backend.name).toBe('cpu-destination');
      expect(parameter.grad!.toArray()).toEqual(gradients[index]);
    });
    model.buffers().forEach((buffer, index) => {
      expect(buffer).toBe(buffers[index]);
      expect(buffer.backend.name).toBe('cpu-destination');
      expect(buffer.toArray()).toEqual(bufferValues[index]);
    });
    const output = model(randn([1, 2, 5, 5], { backend: 'cpu-destination' }));
    expect(output.backend.name).toBe('cpu-destination');
  });

  it('leaves a model that is fed tensors from where it was to refuse them, naming the layer op', () => {
    const model = new Linear(3, 2).to('cpu-destination');
    expect(() => model(randn([1, 3]))).toThrow(/^linear: expected all tensors on backend 'cpu'/);
  });

  it('moves a parameter shared by two modules once, and refuses an unknown backend before moving anything', () => {
    const shared = new Linear(2, 2);
    const model = new Sequential(shared, shared);
    const weight = noGrad(() => shared.weight.toArray());
    model.to('cpu-destination');
    expect(shared.weight.toArray()).toEqual(weight);
    expect(() => model.to('nowhere')).toThrow(BackendError);
    expect(shared.weight.backend.name).toBe('cpu-destination');
  });
});
