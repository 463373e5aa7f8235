import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: an example script in plain JS, without type declarations.
import { trainSmallNet } from '../examples/browser/train-small-net.mjs';

// The adapter in a browser bundle: esbuild follows tfjs-core's `module` field to its ESM build (the one Node cannot
// load), the page trains in headless Chromium, and its losses must equal those of the same code run here in Node.
const chromium = '/usr/bin/chromium';
// Skipped where Chromium is not installed, except in CI (.ci/run installs it), where a missing browser fails.
if (!existsSync(chromium) && process.env.CI)
  throw new Error(`${chromium} is missing in CI: .ci/run should have installed Debian's chromium`);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe.skipIf(!existsSync(chromium))(
  existsSync(chromium) ? 'in a browser bundle' : 'in a browser bundle (skipped: no Chromium at /usr/bin/chromium)',
  () => {
    it('trains in headless Chromium with the losses it gives in Node', async () => {
      const directory = mkdtempSync(join(tmpdir(), 'lantern-tfjs-browser-'));
      try {
        // Sources, not dists, as everywhere in the tests: vitest.shared.ts's aliases, plus the cpu kernels subpath.
        const alias: Record<string, string> = { '@lantern/backend-cpu/kernels': here('../../backend-cpu/src/kernels.ts') };
        for (const name of readdirSync(here('../..'))) {
          if (existsSync(here(`../../${name}/src/index.ts`))) alias[`@lantern/${name}`] = here(`../../${name}/src/index.ts`);
        }
        const result = await build({
          entryPoints: [here('../examples/browser/main.mjs')],
          bundle: true,
          format: 'iife',
          platform: 'browser',
          outfile: join(directory, 'bundle.js'),
          alias,
          metafile: true,
          logLevel: 'silent',
        });
        const bundled = Object.keys(result.metafile!.inputs);
        expect(bundled.some((input) => input.includes('tfjs-core/dist/ops/'))).toBe(true);
        expect(bundled.filter((input) => input.endsWith('.node.js'))).toEqual([]);
        writeFileSync(join(directory, 'index.html'), '<!doctype html><body><script src="bundle.js"></script></body>');
        const { stdout } = await promisify(execFile)(
          chromium,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            `--user-data-dir=${join(directory, 'profile')}`,
            '--virtual-time-budget=60000',
            '--dump-dom',
            `file://${join(directory, 'index.html')}`,
          ],
          { timeout: 60_000 },
        );
        const error = /data-error="([^"]*)"/.exec(stdout)?.[1];
        expect(error, 'error in the page').toBeUndefined();
        const inBrowser = JSON.parse(/data-result="([^"]*)"/.exec(stdout)![1]!.replaceAll('&quot;', '"'));
        const inNode = await trainSmallNet('cpu');
        expect(inBrowser.backend).toBe('cpu');
        expect(inBrowser.losses).toEqual(inNode.losses);
        expect(inBrowser.losses.at(-1)).toBeLessThan(inBrowser.losses[0]);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    });
  },
);
