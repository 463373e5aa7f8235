import { describeCompiledSteps, describeConformance, describeGradChecks } from '@lantern/conformance';
import { registerCpuBackend } from './index.js';

await registerCpuBackend();

// The reference backend runs every case, with its fast kernels (conv2d, pooling, fused cross-entropy)...
// (its operand checks mix in tensors of the second registration below, a distinct backend with the same kernels)
describeConformance('cpu', { otherBackend: 'cpu-primitives-only' });
describeGradChecks('cpu');
describeCompiledSteps('cpu');

// ...and a second registration without any fast kernel runs core's compositions of primitives against the same
// PyTorch fixtures: the path every new backend starts on.
await registerCpuBackend({ name: 'cpu-primitives-only', fastKernels: false });
describeConformance('cpu-primitives-only');
describeGradChecks('cpu-primitives-only');
describeCompiledSteps('cpu-primitives-only');
