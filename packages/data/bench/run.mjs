// Runs the loader benchmark without a prior build: bundles bench/*.ts with the workspace sources (@lantern/* resolved
// to packages/*/src, as the tests do) into a temporary folder, then runs it with node.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const packagesDir = join(here, '..', '..');
const alias = {};
for (const name of readdirSync(packagesDir)) {
  const source = join(packagesDir, name, 'src', 'index.ts');
  if (existsSync(source)) alias[`@lantern/${name}`] = source;
}
const out = mkdtempSync(join(tmpdir(), 'lantern-data-bench-'));
try {
  for (const name of ['stage-costs', 'loader-overlap', 'worker']) {
    await build({
      entryPoints: [join(here, `${name}.ts`)],
      outfile: join(out, `${name}.mjs`),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      alias,
      logLevel: 'error',
      ignoreAnnotations: true,
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
    });
  }
  execFileSync(process.execPath, [join(out, 'stage-costs.mjs')], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(out, 'loader-overlap.mjs'), join(out, 'worker.mjs')], { stdio: 'inherit' });
} finally {
  rmSync(out, { recursive: true, force: true });
}
