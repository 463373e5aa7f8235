// Worker threads run plain JavaScript, while tests import TypeScript sources: bundle a worker script (and the sources
// it imports, @lantern/* resolved to packages/*/src as vitest.shared.ts does) into one .mjs file Node can start.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packagesDir = fileURLToPath(new URL('../../../', import.meta.url));

export async function bundleForNode(entry: string, outfile: string): Promise<string> {
  const alias: Record<string, string> = {};
  for (const name of readdirSync(packagesDir)) {
    const source = join(packagesDir, name, 'src', 'index.ts');
    if (existsSync(source)) alias[`@lantern/${name}`] = source;
  }
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    alias,
    logLevel: 'error',
    // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  return outfile;
}
