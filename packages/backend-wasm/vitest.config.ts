import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// The shared config plus a global setup that compiles assembly/ when the generated module is missing or stale.
export default defineConfig({
  ...sharedTestConfig,
  test: { ...sharedTestConfig.test, globalSetup: ['./scripts/vitest-global-setup.mjs'] },
});
