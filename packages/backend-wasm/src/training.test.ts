import { registerCpuBackend } from '@lantern/backend-cpu';
import { registerWasmBackend } from './index.js';
import { describeTrainingChecks } from './training-checks.js';

await registerCpuBackend();
await registerWasmBackend();

// The build 'auto' picks: relaxed SIMD on Node 22+ (simd.test.ts checks which); simd128.test.ts runs the other one.
describeTrainingChecks();
