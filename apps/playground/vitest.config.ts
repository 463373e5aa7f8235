import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// Unit tests import the @lantern packages from source (the shared aliases); the browser test builds the page with
// Vite, which resolves them to their built dist, as the production build does.
export default defineConfig({
  ...sharedTestConfig,
  test: { ...sharedTestConfig.test, include: ['src/**/*.test.ts'] },
});
