import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { placePrograms, runNode } from './programs.js';
import { expectSuccess, lastJsonLine } from './run-command.js';

// Step 3a, CommonJS: Node 22.12+ can require() an ES module (require(esm)) when the package's exports offer a condition
// require() matches ("default" or "require") and its module graph has no top-level await. No entry point has one
// (importing a package starts nothing), so every one must load that way.
interface RequireOutcome {
  loaded: boolean;
  exportNames?: number;
  code?: string | null;
  message?: string;
}

interface RequireCheck {
  node: string;
  results: Record<string, RequireOutcome>;
  sums: { cpu: number | null; wasm: number | null };
}

const { installFolder } = inject('packed');
const scopeFolder = join(installFolder, 'node_modules', '@lantern');
// The same walk as require-check.cjs makes, here at collection time so each entry point is its own test.
const specifiers = readdirSync(scopeFolder)
  .sort()
  .flatMap((name) => {
    const manifest = JSON.parse(readFileSync(join(scopeFolder, name, 'package.json'), 'utf8')) as {
      exports?: unknown;
      main?: string;
    };
    const exports = manifest.exports;
    // A command-line package (the trainer) has bins and no entry point to require.
    if (exports === undefined && manifest.main === undefined) return [];
    const subpaths =
      exports &&
      typeof exports === 'object' &&
      !Array.isArray(exports) &&
      Object.keys(exports).every((key) => key.startsWith('.'))
        ? Object.keys(exports)
        : ['.'];
    return subpaths
      .filter((subpath) => !subpath.includes('*') && subpath !== './package.json')
      .map((subpath) => (subpath === '.' ? `@lantern/${name}` : `@lantern/${name}/${subpath.slice(2)}`));
  });

describe('CommonJS require()', () => {
  let check: RequireCheck;

  beforeAll(async () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    if (major < 22 || (major === 22 && minor < 12)) {
      throw new Error(
        `require(esm) needs Node 22.12 or later; these tests run on ${process.version}. Start them through pnpm, ` +
          "which runs the workspace's pinned Node 22.",
      );
    }
    placePrograms(installFolder, ['require-check.cjs']);
    check = lastJsonLine<RequireCheck>(
      expectSuccess(await runNode(installFolder, ['require-check.cjs']), 'node require-check.cjs'),
      'require-check.cjs',
    );
    console.log(
      `require() outcomes on ${check.node}:\n${Object.entries(check.results)
        .map(
          ([specifier, outcome]) =>
            `  ${specifier}: ${outcome.loaded ? `loads (${outcome.exportNames} exports)` : `fails, ${outcome.code}: ${outcome.message}`}`,
        )
        .join('\n')}`,
    );
  });

  it.each(specifiers)('%s loads', (specifier) => {
    const outcome = check.results[specifier];
    expect(outcome, `require-check.cjs did not try ${specifier}`).toBeDefined();
    expect(outcome!.loaded, `require('${specifier}') failed with ${outcome!.code}: ${outcome!.message}`).toBe(true);
    expect(outcome!.exportNames, `${specifier} loaded but exports nothing`).toBeGreaterThan(0);
  });

  it('starts the cpu and wasm backends loaded through require(), and computes on each', () => {
    expect(check.sums).toEqual({ cpu: 6, wasm: 6 });
  });
});
