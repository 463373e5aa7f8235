import { registeredBackends } from '@lantern/tensor';
import type { TrainerOptions } from './options.js';

/**
 * Registers the chosen backend. Backends are separate packages imported on demand, so a user who trains on cpu never
 * loads wasm or WebGPU code.
 */
export async function loadBackend(name: TrainerOptions['backend'], threads?: number, winograd = true): Promise<void> {
  if (name === 'cpu') {
    await import('@lantern/backend-cpu');
    return;
  }
  if (name === 'wasm') {
    const { setThreads, threadsReady, useWinograd } = await import('@lantern/backend-wasm');
    if (threads !== undefined) setThreads(threads);
    useWinograd(winograd);
    await threadsReady();
    return;
  }
  if (name === 'tfjs') {
    const { registerTfjsBackend } = await import('@lantern/backend-tfjs');
    await registerTfjsBackend({ tfjsBackend: 'cpu' });
    return;
  }
  if (name === 'webgpu') {
    const { initWebGPU } = await import('@lantern/backend-webgpu');
    await initWebGPU();
    return;
  }
  throw new Error(`backend '${name}' is not available in this build (registered: ${registeredBackends().join(', ') || 'none'})`);
}
