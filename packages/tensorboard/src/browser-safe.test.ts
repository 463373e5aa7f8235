import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The main entry bundled for a browser with its dependencies (@bufbuild/protobuf, crc-32, fast-png), @lantern/tensor aside.
const bundle = (entry: string) =>
  build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    external: ['@lantern/tensor'],
    logLevel: 'silent',
  });

describe('entry points', () => {
  it('the main entry bundles for the browser, dependencies included: nothing in its import graph needs Node', async () => {
    const result = await bundle('./index.ts');
    expect(result.errors).toEqual([]);
    const text = result.outputFiles[0]!.text;
    expect(text).not.toMatch(/from\s+["'](node:)?(fs|os|path|zlib|buffer)["']/);
    expect(text).not.toMatch(/require\(["']node:/);
    expect(text).toContain('brain.Event:2');
  });

  it('compiles no code at run time (no eval, no new Function), so a strict Content-Security-Policy allows it', async () => {
    const text = (await bundle('./index.ts')).outputFiles[0]!.text;
    expect(text).not.toMatch(/\beval\(|\bFunction\(/);
  });

  it('the same check catches Node modules: the node entry fails it', async () => {
    await expect(bundle('./node.ts')).rejects.toThrow(/Could not resolve "node:(fs|os|path)"/);
  });
});
