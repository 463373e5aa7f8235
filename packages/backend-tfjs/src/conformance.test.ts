// The cpu backend is the other backend the suite mixes in: every op must refuse an operand living there.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { describeCompiledSteps, describeConformance } from '@lantern/conformance';
import { DTypeError, zeros } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { registerTfjsBackend } from './index.js';

await registerCpuBackend();

// The one exclusion: TensorFlow.js has no float64 (its dtypes are float32, int32 and bool), so this backend's allocate
// refuses it with a DTypeError rather than silently computing in float32.
const exclude = { 'cast float32 to float64': 'float64 does not exist in TensorFlow.js' };

describeConformance('tfjs', {
  exclude,
  setup: async () => {
    await registerTfjsBackend({ tfjsBackend: 'cpu' });
  },
});

// A second registration without fast kernels runs core's compositions of primitives on tfjs: cat, pad and strided
// windows exercise writes through views (splices and scatters) that the fast kernels never make.
describeConformance('tfjs-primitives-only', {
  exclude,
  setup: async () => {
    await registerTfjsBackend({ tfjsBackend: 'cpu', name: 'tfjs-primitives-only', fastKernels: false });
  },
});
describeCompiledSteps('tfjs', { setup: () => registerTfjsBackend({ tfjsBackend: 'cpu' }).then(() => {}) });
describeCompiledSteps('tfjs-primitives-only', {
  setup: () => registerTfjsBackend({ tfjsBackend: 'cpu', name: 'tfjs-primitives-only', fastKernels: false }).then(() => {}),
});

// describeGradChecks('tfjs') cannot run at all: it builds every input in float64 and takes central differences with
// epsilon 1e-6 (below float32 resolution), and tfjs cannot hold float64. Gradients on tfjs are checked instead against
// PyTorch's fixtures above and against the cpu backend (cross-check.test.ts, course-cnn.test.ts).
describe('float64 on tfjs', () => {
  it('is refused with a DTypeError naming the backend, which is why describeGradChecks is not run', async () => {
    await registerTfjsBackend({ tfjsBackend: 'cpu' });
    expect(() => zeros([2], { dtype: 'float64', backend: 'tfjs' })).toThrow(DTypeError);
    expect(() => zeros([2], { dtype: 'float64', backend: 'tfjs' })).toThrow(
      /backend 'tfjs' allocate of 2 elements: float64 does not exist/,
    );
  });
});
