import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Tests import sibling packages from source, not from dist: a test run never needs a prior build, and the
// tensor core and a backend's tests share one module instance (one backend registry) instead of two copies.
// Each export of a package (".", "./node", "./kernels") maps to src/index.ts, src/node.ts, src/kernels.ts.
const packagesDir = fileURLToPath(new URL('./packages', import.meta.url));
const alias: Array<{ find: RegExp; replacement: string }> = [];
for (const name of readdirSync(packagesDir)) {
  const manifestPath = join(packagesDir, name, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: string; exports?: Record<string, unknown> };
  if (!manifest.name) continue;
  for (const subpath of Object.keys(manifest.exports ?? { '.': null })) {
    const file = join(packagesDir, name, 'src', subpath === '.' ? 'index.ts' : `${subpath.slice(2)}.ts`);
    if (!existsSync(file)) continue;
    const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    alias.push({ find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`), replacement: file });
  }
}

export const sharedTestConfig = {
  resolve: { alias },
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
};
