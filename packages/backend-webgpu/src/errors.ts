import { BackendError } from '@lantern/tensor';

/** No WebGPU adapter could be obtained; `attempts` lists every source that was tried and what it answered. */
export class WebGPUUnavailableError extends BackendError {
  constructor(readonly attempts: readonly string[]) {
    super(`webgpu: no WebGPU adapter is available. Tried:\n${attempts.map((attempt) => `  - ${attempt}`).join('\n')}`);
  }
}

/** The GPU device was lost (driver reset, destroy(), out of memory); tensors on it are gone. */
export class WebGPUDeviceLostError extends BackendError {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(
      `webgpu: the GPU device was lost (${reason}): ${detail || 'no message'}; call registerWebGPUBackend() again to get a new device`,
    );
  }
}
