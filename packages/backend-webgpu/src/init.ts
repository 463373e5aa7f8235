/// <reference types="@webgpu/types" />
import { getBackend, registeredBackends } from '@lantern/tensor';
import { WebGPUBackend } from './backend.js';
import { WebGPUUnavailableError } from './errors.js';
import type { ContextOptions } from './gpu-context.js';
import { registerDeviceBackend } from './register-all.js';

export interface WebGPUOptions extends ContextOptions {
  /** Name to register under (default 'webgpu'). */
  readonly name?: string;
  /** A GPU to use instead of `navigator.gpu` or the `webgpu` package (e.g. one made with your own Dawn flags). */
  readonly gpu?: GPU;
  /** Flags for the `webgpu` package's `create(flags)` in Node, e.g. ['backend=vulkan']. */
  readonly dawnFlags?: readonly string[];
  readonly powerPreference?: GPUPowerPreference;
  /** Register the fast kernels (default true); false runs core's compositions of primitives, for testing them. */
  readonly fastKernels?: boolean;
}

interface GpuSource {
  readonly label: string;
  readonly gpu: GPU;
}

const retainedGpus = new WeakMap<WebGPUBackend, { gpu: GPU; adapter: GPUAdapter }>();

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Where a GPU can come from, in order: the caller, the browser (or Deno, or Node with a global), then Dawn in Node. */
async function gpuSources(options: WebGPUOptions, attempts: string[]): Promise<GpuSource[]> {
  if (options.gpu) return [{ label: 'options.gpu', gpu: options.gpu }];
  const sources: GpuSource[] = [];
  const navigatorGpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (navigatorGpu) sources.push({ label: 'navigator.gpu', gpu: navigatorGpu });
  else attempts.push('navigator.gpu: absent');
  if (isNode) {
    const flags = [...(options.dawnFlags ?? [])];
    const label = `the 'webgpu' npm package (Dawn), create(${JSON.stringify(flags)})`;
    try {
      // A variable specifier keeps browser bundlers from trying to resolve Node's native Dawn binding.
      const specifier = 'webgpu';
      const dawn = (await import(/* @vite-ignore */ specifier)) as { create(flags: string[]): GPU };
      sources.push({ label, gpu: dawn.create(flags) });
    } catch (error) {
      attempts.push(`${label}: could not be loaded (${(error as Error).message}); install it with 'npm install webgpu'`);
    }
  }
  return sources;
}

function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((part) => part);
  return parts.length > 0 ? [...new Set(parts)].join(' ') : 'unnamed adapter';
}

/** The adapter's subgroup size if every subgroup has it, else 0 (a size that varies from pipeline to pipeline). */
function fixedSubgroupSize(adapter: GPUAdapter): number {
  const info = adapter.info as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number };
  return info?.subgroupMinSize !== undefined && info.subgroupMinSize === info.subgroupMaxSize ? info.subgroupMinSize : 0;
}

const linuxHint =
  isNode && typeof process !== 'undefined' && process.platform === 'linux'
    ? " (without a GPU on Linux, install Mesa's lavapipe: apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1)"
    : '';

/**
 * Finds a WebGPU adapter, opens a device, and registers the backend (with its fast kernels) under `options.name`
 * ('webgpu'): the same call shape as every Lantern backend. The backend does not become active unless it is the
 * first one registered: call `setBackend('webgpu')`. Calling it again returns the same backend, unless that device
 * was lost, in which case it opens a new one.
 * @example
 * import { registerWebGPUBackend } from '@lantern/backend-webgpu';
 * import { setBackend, tensor } from '@lantern/tensor';
 * await registerWebGPUBackend();
 * setBackend('webgpu');
 * console.log(await tensor([1, 2, 3]).mul(2).data()); // Int32Array [2, 4, 6]
 */
export async function registerWebGPUBackend(options: WebGPUOptions = {}): Promise<WebGPUBackend> {
  const name = options.name ?? 'webgpu';
  if (registeredBackends().includes(name)) {
    const existing = getBackend(name);
    if (existing instanceof WebGPUBackend && !existing.isLost) return existing;
  }
  // Concurrent calls (two test files' setups, say) share one device rather than racing to register two.
  let opening = pending.get(name);
  if (!opening) {
    opening = openBackend(name, options).finally(() => pending.delete(name));
    pending.set(name, opening);
  }
  return opening;
}

const pending = new Map<string, Promise<WebGPUBackend>>();

async function openBackend(name: string, options: WebGPUOptions): Promise<WebGPUBackend> {
  const attempts: string[] = [];
  for (const source of await gpuSources(options, attempts)) {
    let adapter: GPUAdapter | null;
    try {
      adapter = await source.gpu.requestAdapter(
        options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
      );
    } catch (error) {
      attempts.push(`${source.label}: requestAdapter() threw ${(error as Error).message}`);
      continue;
    }
    if (!adapter) {
      attempts.push(`${source.label}: requestAdapter() returned null${source.label.includes('Dawn') ? linuxHint : ''}`);
      continue;
    }
    try {
      // Large batches need buffers beyond the 128/256 MiB defaults, and a fused elementwise program binds up to 8
      // inputs beside its output and parameters, past the default 8 storage buffers per stage: ask for what the adapter offers.
      // Subgroups let the matrix kernels load a value once per subgroup instead of once per invocation (lavapipe's
      // eight-lane vectors among them); they are used only where the adapter's subgroup size is fixed.
      const subgroups = adapter.features.has('subgroups');
      const device = await adapter.requestDevice({
        requiredFeatures: subgroups ? ['subgroups' as GPUFeatureName] : [],
        requiredLimits: {
          maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
          maxBufferSize: adapter.limits.maxBufferSize,
          maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
        },
      });
      const backend = new WebGPUBackend(
        device,
        name,
        // The size is the adapter's own; an option can only turn subgroup use off (0).
        { ...options, subgroupSize: subgroups && options.subgroupSize !== 0 ? fixedSubgroupSize(adapter) : 0 },
        describeAdapter(adapter),
      );
      // Dawn in Node tears its instance down when the GPU object is collected, crashing the process while work is in
      // flight; the backend holds it (and the adapter) for as long as it lives.
      retainedGpus.set(backend, { gpu: source.gpu, adapter });
      registerDeviceBackend(backend, options.fastKernels ?? true);
      return backend;
    } catch (error) {
      attempts.push(
        `${source.label}: adapter '${describeAdapter(adapter)}' refused requestDevice(): ${(error as Error).message}`,
      );
    }
  }
  throw new WebGPUUnavailableError(attempts);
}
