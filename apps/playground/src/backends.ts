/// <reference types="@webgpu/types" />
import { registerWebGPUBackend, WebGPUBackend, WebGPUDeviceLostError, WebGPUUnavailableError } from '@lantern/backend-webgpu';
import { getBackend, registeredBackends, setBackend } from '@lantern/tensor';
import type { BackendChoice, Capabilities, ProblemReport } from './protocol.js';

/**
 * Backends inside the training worker. Each starts when first asked for: wasm compiles its kernels and starts its
 * threads, and WebGPU opens a device, so a person who trains on cpu pays for neither.
 */

type WasmModule = typeof import('@lantern/backend-wasm');
let wasm: Promise<WasmModule> | null = null;
const loadWasm = () => {
  wasm ??= import('@lantern/backend-wasm').then(async (module) => {
    await module.registerWasmBackend();
    return module;
  });
  return wasm;
};
let cpu: Promise<unknown> | null = null;
const loadCpu = () => {
  cpu ??= import('@lantern/backend-cpu').then((module) => module.registerCpuBackend());
  return cpu;
};

export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  const parts = [info?.description, info?.vendor, info?.architecture].filter((part) => part);
  return parts.length > 0 ? [...new Set(parts)].join(' · ') : 'unnamed adapter';
}

async function probeWebGPU(): Promise<Capabilities['webgpu']> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { available: false, reason: 'this browser has no WebGPU (navigator.gpu is absent)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, reason: 'navigator.gpu.requestAdapter() found no adapter (GPU blocked or absent)' };
    return { available: true, adapter: describeAdapter(adapter.info), fallback: adapter.info?.isFallbackAdapter ?? false };
  } catch (error) {
    return { available: false, reason: `requestAdapter() failed: ${(error as Error).message}` };
  }
}

export async function probeCapabilities(): Promise<Capabilities> {
  const module = await loadWasm();
  await loadCpu();
  const reason = module.threadingUnavailableReason();
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    wasmThreads: { available: reason === null, reason, cores: globalThis.navigator?.hardwareConcurrency ?? 1 },
    webgpu: await probeWebGPU(),
  };
}

/** Makes `choice` the active backend; returns what the page shows as "running on". */
export async function activateBackend(choice: BackendChoice, threads: number): Promise<string> {
  if (choice === 'cpu') {
    await loadCpu();
    setBackend('cpu');
    return 'cpu (JavaScript reference kernels, one thread)';
  }
  if (choice === 'wasm') {
    const module = await loadWasm();
    module.setThreads(threads);
    await module.threadsReady();
    setBackend('wasm');
    const reason = module.threadingUnavailableReason();
    return reason === null
      ? `wasm, ${module.getThreads()} threads (SIMD kernels, Web Workers over shared memory)`
      : `wasm, single-threaded: ${reason}`;
  }
  const backend = await registerWebGPUBackend();
  setBackend('webgpu');
  return `WebGPU on ${backend.adapterDescription}`;
}

/**
 * Whether the WebGPU device is gone. A read in flight when the device goes fails with the GPU's own words ("buffer was
 * unmapped") before device.lost has settled, so this waits a moment before it asks.
 */
async function webgpuDeviceLost(): Promise<boolean> {
  if (!registeredBackends().includes('webgpu')) return false;
  await new Promise((resolve) => setTimeout(resolve, 100));
  const backend = getBackend('webgpu');
  return backend instanceof WebGPUBackend && backend.isLost;
}

const deviceLostAdvice =
  'Start again (a new device is requested), or choose wasm. If it keeps happening, lower the batch size: the GPU may be running out of memory.';

/** Typed errors from the backends and the training loop, said as what happened and what to do. */
export async function describeBackendProblem(error: unknown, backend: BackendChoice): Promise<ProblemReport | null> {
  if (error instanceof WebGPUUnavailableError) {
    return {
      what: `WebGPU is not available here: ${error.attempts.join('; ')}.`,
      todo: 'Choose wasm (fastest on CPUs) or cpu. For WebGPU use a browser with it enabled (Chrome, Edge; Firefox and Safari in recent versions) on a machine with a GPU.',
    };
  }
  if (error instanceof WebGPUDeviceLostError) {
    return {
      what: `The GPU device was lost (${error.reason}) and the run stopped; what was on the GPU is gone.`,
      todo: deviceLostAdvice,
    };
  }
  if (backend === 'webgpu' && (await webgpuDeviceLost())) {
    return { what: 'The GPU device was lost and the run stopped; what was on the GPU is gone.', todo: deviceLostAdvice };
  }
  if (backend === 'webgpu' && error instanceof Error && /device|GPU/i.test(error.message)) {
    return { what: `WebGPU failed: ${error.message}.`, todo: 'Choose wasm or cpu, or reload the page and try again.' };
  }
  return null;
}
