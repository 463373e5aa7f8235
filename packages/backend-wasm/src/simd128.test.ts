// The package's conformance suite, compiled steps, training checks and elementwise programs on the SIMD128 build, forced
// with `simd: 'simd128'`: the build every engine without relaxed SIMD runs. The other test files run the build 'auto'
// picks (relaxed SIMD on Node 22+), so CI tests both. Vitest gives each test file its own module instances, hence its
// own backend. The float64 gradient checks are not repeated here: float64 runs the reference loops, not the SIMD
// kernels, so both builds compute them alike (and repeating them made this file run past vitest's 60-second RPC
// timeout on a loaded 2-core CI machine).
import { registerCpuBackend } from '@lantern/backend-cpu';
import { describeCompiledSteps, describeConformance } from '@lantern/conformance';
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
describeCompiledSteps('wasm');
describeTrainingChecks();
describeElementwiseProgramChecks();
