import { describeConformance, describeGradChecks } from '@lantern/conformance';
import { registerBackend } from '@lantern/tensor';
import { createCpuBackend } from './index.js';

// The reference backend runs every case, with its fast kernels (conv2d, pooling, fused cross-entropy)...
// (its operand checks mix in tensors of the second registration below, a distinct backend with the same kernels)
describeConformance('cpu', { otherBackend: 'cpu-primitives-only' });
describeGradChecks('cpu');

// ...and a second registration without any fast kernel runs core's compositions of primitives against the same
// PyTorch fixtures: the path every new backend starts on.
registerBackend(createCpuBackend('cpu-primitives-only'));
describeConformance('cpu-primitives-only');
describeGradChecks('cpu-primitives-only');
