// Backend.elementwiseProgram on the build 'auto' picks (relaxed SIMD on Node 22+); simd128.test.ts runs the same checks
// on the SIMD128 build. Three threads, so that large outputs are split across workers.
import { describeElementwiseProgramChecks } from './elementwise-program-checks.js';
import { registerWasmBackend, threadsReady } from './index.js';

await registerWasmBackend({ threads: 3 });
await threadsReady();

describeElementwiseProgramChecks();
