import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

// Tests import sibling packages from source, not from dist: a test run never needs a prior build, and the
// tensor core and a backend's tests share one module instance (one backend registry) instead of two copies.
const packagesDir = fileURLToPath(new URL('./packages', import.meta.url));
const alias: Record<string, string> = {};
for (const name of readdirSync(packagesDir)) {
  const entry = join(packagesDir, name, 'src', 'index.ts');
  if (existsSync(entry)) alias[`@lantern/${name}`] = entry;
}

export const sharedTestConfig = {
  resolve: { alias },
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
};
