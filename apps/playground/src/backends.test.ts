import { WebGPUDeviceLostError, WebGPUUnavailableError } from '@lantern/backend-webgpu';
import { describe, expect, it } from 'vitest';
import { describeAdapter, describeBackendProblem } from './backends.js';

describe('backend problems, as the page words them', () => {
  it('no WebGPU adapter: every source tried, and the backends to choose instead', async () => {
    const problem = await describeBackendProblem(
      new WebGPUUnavailableError(['navigator.gpu: requestAdapter() returned null']),
      'webgpu',
    );
    expect(problem?.what).toBe('WebGPU is not available here: navigator.gpu: requestAdapter() returned null.');
    expect(problem?.todo).toMatch(/^Choose wasm \(fastest on CPUs\) or cpu\./);
  });

  it('a lost device: the reason, and starting again', async () => {
    const problem = await describeBackendProblem(new WebGPUDeviceLostError('destroyed', 'Device was destroyed.'), 'webgpu');
    expect(problem).toEqual({
      what: 'The GPU device was lost (destroyed) and the run stopped; what was on the GPU is gone.',
      todo: expect.stringMatching(/^Start again \(a new device is requested\), or choose wasm\./),
    });
  });

  it('leaves other errors to the caller', async () => {
    expect(await describeBackendProblem(new RangeError('index 12 out of range'), 'wasm')).toBeNull();
  });

  it('names an adapter by what it tells about itself', () => {
    expect(describeAdapter({ vendor: 'google', architecture: 'swiftshader', description: '' } as GPUAdapterInfo)).toBe(
      'google · swiftshader',
    );
    expect(describeAdapter({ vendor: '', architecture: '', description: '' } as GPUAdapterInfo)).toBe('unnamed adapter');
  });
});
