import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('entry points', () => {
  it('the main entry bundles for the browser: nothing in its import graph needs Node', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      external: ['@lantern/tensor', 'tar', 'cli-progress'],
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s+["'](node:)?(fs|http|https|worker_threads|zlib|tar)["']/);
  });

  it('the same check catches Node modules: the node entry fails it', async () => {
    const attempt = build({
      entryPoints: [fileURLToPath(new URL('./node.ts', import.meta.url))],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      external: ['@lantern/tensor', 'tar', 'cli-progress'],
      logLevel: 'silent',
    });
    await expect(attempt).rejects.toThrow(/Could not resolve "node:(fs|fs\/promises|https|worker_threads)"/);
  });
});
