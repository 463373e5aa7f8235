// The cpu backend is the other backend the suite mixes in: every op must refuse an operand living there.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { describeCompiledSteps, describeConformance } from '@lantern/conformance';
import { describe, it } from 'vitest';
import { webgpuForTests } from './test-environment.js';

await registerCpuBackend();

// The project's one conformance suite (PyTorch fixtures, forward and gradients) on 'webgpu'. The suite's
// finite-difference gradient checks (describeGradChecks) are not run here: they work in float64 with synchronous
// reads, and WGSL has no float64 while WebGPU reads only asynchronously.
const backend = await webgpuForTests();

if (backend) {
  describeConformance('webgpu', {
    exclude: {
      'cast float32 to float64': 'WGSL has no 64-bit float type, so webgpu stores no float64 (allocate throws DTypeError)',
    },
    setup: async () => {
      await webgpuForTests();
    },
  });
  describeCompiledSteps('webgpu');
} else {
  describe('conformance on webgpu', () => {
    it.skip('skipped: no WebGPU adapter on this machine (see the warning above)', () => {});
  });
}
