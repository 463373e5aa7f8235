import { defineConfig } from 'vitest/config';

// No aliases to the workspace's sources (unlike vitest.shared.ts): every @lantern import here must come from the
// tarballs installed by the global setup. Files run one at a time: each trains a CNN, and the machine has few cores.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['./src/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
