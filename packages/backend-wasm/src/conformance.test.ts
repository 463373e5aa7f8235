// The cpu backend is the other backend the suite mixes in: every op must refuse an operand living there.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { describeCompiledSteps, describeConformance, describeGradChecks } from '@lantern/conformance';
import { registerWasmBackend } from './index.js';

await registerCpuBackend();
await registerWasmBackend();

// The whole suite on wasm, no exclusions: float32 cases run the compiled kernels, float64 gradient checks run the
// reference loops in place on linear memory.
describeConformance('wasm');
describeGradChecks('wasm');
describeCompiledSteps('wasm');
