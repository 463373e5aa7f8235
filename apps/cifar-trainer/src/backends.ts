import { BackendError, registeredBackends } from '@lantern/tensor';
import type { TrainerOptions } from './options.js';

/**
 * Registers the chosen backend. Backends are separate packages imported on demand, so a user who trains on cpu never
 * loads wasm or WebGPU code.
 */
export async function loadBackend(name: TrainerOptions['backend'], threads?: number, winograd = true): Promise<void> {
  if (name === 'cpu') {
    const { registerCpuBackend } = await import('@lantern/backend-cpu');
    await registerCpuBackend();
    return;
  }
  if (name === 'wasm') {
    const { getSimdVariant, registerWasmBackend, useWinograd } = await import('@lantern/backend-wasm');
    await registerWasmBackend({ threads });
    useWinograd(winograd);
    wasmSimd = getSimdVariant();
    return;
  }
  if (name === 'tfjs') {
    const { registerTfjsBackend } = await importOptional('@lantern/backend-tfjs', () => import('@lantern/backend-tfjs'));
    await registerTfjsBackend({ tfjsBackend: 'cpu' });
    return;
  }
  if (name === 'webgpu') {
    const { registerWebGPUBackend } = await importOptional('@lantern/backend-webgpu', () => import('@lantern/backend-webgpu'));
    await registerWebGPUBackend();
    return;
  }
  throw new Error(`backend '${name}' is not available in this build (registered: ${registeredBackends().join(', ') || 'none'})`);
}

let wasmSimd: string | null = null;

/** What the run line adds about a started backend: wasm's SIMD build (relaxed SIMD fuses multiply-adds). */
export function describeBackend(name: TrainerOptions['backend']): string {
  return name === 'wasm' && wasmSimd ? ` (${wasmSimd === 'relaxed' ? 'relaxed SIMD' : 'SIMD128'})` : '';
}

/** A backend chosen with --backend whose package is not installed (the optional tfjs and WebGPU backends). */
export class BackendNotInstalledError extends BackendError {
  constructor(readonly packageName: string) {
    super(`--backend needs ${packageName}, which is not installed: npm install ${packageName}`);
  }
}

/**
 * The tfjs and WebGPU backends are optional peer dependencies: installing the trainer does not pull in TensorFlow.js
 * or Dawn for users who train on wasm or cpu. Choosing one that is not installed says what to install.
 */
async function importOptional<Module>(packageName: string, load: () => Promise<Module>): Promise<Module> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes(packageName)) throw error;
    throw new BackendNotInstalledError(packageName);
  }
}
