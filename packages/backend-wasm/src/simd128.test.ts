// The package's conformance suite, gradient checks, compiled steps and training checks on the SIMD128 build, forced with
// `simd: 'simd128'`: the build every engine without relaxed SIMD runs. The other test files run the build 'auto' picks
// (relaxed SIMD on Node 22+), so CI tests both. Vitest gives each test file its own module instances, hence its own backend.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { describeCompiledSteps, describeConformance, describeGradChecks } from '@lantern/conformance';
import { expect, it } from 'vitest';
import { describeElementwiseProgramChecks } from './elementwise-program-checks.js';
import { getSimdVariant, registerWasmBackend } from './index.js';
import { describeTrainingChecks } from './training-checks.js';

await registerCpuBackend();
await registerWasmBackend({ simd: 'simd128' });

it('runs the SIMD128 build when asked to, where relaxed SIMD is available as well', () => {
  expect(getSimdVariant()).toBe('simd128');
});

describeConformance('wasm');
describeGradChecks('wasm');
describeCompiledSteps('wasm');
describeTrainingChecks();
describeElementwiseProgramChecks();
