import type { WebGPUBackend } from './backend.js';
import { WebGPUUnavailableError } from './errors.js';
import { registerWebGPUBackend } from './init.js';

/**
 * The backend for a test file, or null where this machine has no WebGPU adapter: then the GPU tests skip, loudly,
 * saying what was tried. Under CI (process.env.CI set) a missing adapter fails instead, since CI must provide one.
 */
export async function webgpuForTests(): Promise<WebGPUBackend | null> {
  try {
    return await registerWebGPUBackend();
  } catch (error) {
    if (!(error instanceof WebGPUUnavailableError)) throw error;
    if (process.env.CI) throw new Error(`CI must provide a WebGPU adapter, but none was found.\n${error.message}`);
    console.warn(`[@lantern/backend-webgpu] SKIPPING GPU tests: ${error.message}`);
    return null;
  }
}

/** Element-wise closeness with NaN equal to NaN and infinities equal by sign; returns the first mismatch or null. */
export function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) return `at ${i}: got ${a}, expected ${e}`;
  }
  return null;
}
