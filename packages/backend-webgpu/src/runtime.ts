import { BackendError, type DType } from '@lantern/tensor';
import type { Binding, GpuContext } from './gpu-context.js';
import { coversStorage, type GpuView, sizeOfShape, storageType, type WebGPUHandle } from './layout.js';

/** What every kernel needs: the device context, the backend's name for error messages, and binding helpers. */
export class KernelRuntime {
  constructor(
    readonly gpu: GpuContext,
    readonly backendName: string,
  ) {}

  /** WGSL storage type of a dtype; float64 (and anything else WGSL lacks) raises a DTypeError naming this backend. */
  storageType(dtype: DType): 'f32' | 'i32' | 'u32' {
    return storageType(dtype, this.backendName);
  }

  /** Binds a view the shader only reads, zeroing it first if it is a recycled buffer nobody has written yet. */
  input(view: GpuView): Binding {
    const handle = this.live(view.handle);
    this.zeroIfNeeded(handle);
    return { buffer: handle.buffer, writable: false };
  }

  /**
   * Binds a view the shader writes. A recycled buffer is zeroed first unless this write covers all of it (core's
   * outputs are fresh and zero-filled by contract, but a kernel that overwrites every element makes zeroing moot).
   */
  output(view: GpuView, overwritesEveryElement = true): Binding {
    const handle = this.live(view.handle);
    if (handle.needsZero && overwritesEveryElement && coversStorage(view)) handle.needsZero = false;
    this.zeroIfNeeded(handle);
    return { buffer: handle.buffer, writable: true };
  }

  /** Binds a view the shader writes only in part (a scatter, an empty sum), cleared to zeros first, in program order. */
  outputCleared(view: GpuView): Binding {
    const binding = this.output(view);
    this.gpu.clear(binding.buffer, view.offset * 4, sizeOfShape(view.shape) * 4);
    return binding;
  }

  zeroIfNeeded(handle: WebGPUHandle): void {
    if (!handle.needsZero) return;
    handle.needsZero = false;
    this.gpu.clear(handle.buffer, 0, handle.size * 4);
  }

  live(handle: WebGPUHandle): WebGPUHandle {
    if (handle.freed)
      throw new BackendError(
        `backend '${this.backendName}': storage of ${handle.size} ${handle.dtype} elements was used after free`,
      );
    return handle;
  }
}

export const elementwiseWorkgroupSize = 256;

export function workgroupsFor(count: number, workgroupSize = elementwiseWorkgroupSize): number {
  return Math.ceil(count / workgroupSize);
}

/** WGSL that converts `expression` of type `from` to the storage type `to` (bool storage holds 0u or 1u). */
export function convert(expression: string, from: 'f32' | 'i32' | 'u32' | 'bool', to: 'f32' | 'i32' | 'u32'): string {
  if (from === to) return expression;
  if (from === 'bool')
    return to === 'f32'
      ? `select(0.0, 1.0, ${expression})`
      : `select(0${to === 'u32' ? 'u' : ''}, 1${to === 'u32' ? 'u' : ''}, ${expression})`;
  if (to === 'u32') return from === 'f32' ? `select(0u, 1u, ${expression} != 0.0)` : `select(0u, 1u, ${expression} != 0)`;
  return `${to}(${expression})`;
}
