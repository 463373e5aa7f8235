import { createCpuBackend, registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  BackendError,
  DuplicateKernelError,
  type FastKernel,
  getFastKernel,
  registerBackend,
  registerFastKernel,
  unregisterFastKernel,
} from './index.js';

await registerCpuBackend();

const backend = createCpuBackend('engine-registry');
registerBackend(backend);
const first: FastKernel<'maxPool2dBackward'> = () => {};
const second: FastKernel<'maxPool2dBackward'> = () => {};

describe('the fast-kernel registry', () => {
  it('refuses a second kernel under a name the backend already has, keeping the first', () => {
    registerFastKernel(backend.name, 'maxPool2dBackward', first);
    const replace = () => registerFastKernel(backend.name, 'maxPool2dBackward', second);
    expect(replace).toThrow(DuplicateKernelError);
    expect(replace).toThrow(BackendError);
    expect(replace).toThrow(
      "fast kernel 'maxPool2dBackward' is already registered for backend 'engine-registry'; " +
        "call unregisterFastKernel('engine-registry', 'maxPool2dBackward') first to replace it",
    );
    expect(getFastKernel(backend, 'maxPool2dBackward')).toBe(first);
    unregisterFastKernel(backend.name, 'maxPool2dBackward');
  });
  it('accepts the same function again, so a backend’s register call can run twice', () => {
    registerFastKernel(backend.name, 'maxPool2dBackward', first);
    registerFastKernel(backend.name, 'maxPool2dBackward', first);
    expect(getFastKernel(backend, 'maxPool2dBackward')).toBe(first);
    unregisterFastKernel(backend.name, 'maxPool2dBackward');
  });
  it('replaces a kernel explicitly: unregister returns the old one, then another can be registered', () => {
    registerFastKernel(backend.name, 'maxPool2dBackward', first);
    expect(unregisterFastKernel(backend.name, 'maxPool2dBackward')).toBe(first);
    expect(getFastKernel(backend, 'maxPool2dBackward')).toBeUndefined();
    expect(unregisterFastKernel(backend.name, 'maxPool2dBackward')).toBeUndefined();
    registerFastKernel(backend.name, 'maxPool2dBackward', second);
    expect(getFastKernel(backend, 'maxPool2dBackward')).toBe(second);
    unregisterFastKernel(backend.name, 'maxPool2dBackward');
  });
  it('keeps each backend’s kernels apart', () => {
    registerFastKernel(backend.name, 'maxPool2dBackward', first);
    registerFastKernel('engine-registry-other', 'maxPool2dBackward', second);
    expect(getFastKernel(backend, 'maxPool2dBackward')).toBe(first);
    unregisterFastKernel(backend.name, 'maxPool2dBackward');
    unregisterFastKernel('engine-registry-other', 'maxPool2dBackward');
  });
});
