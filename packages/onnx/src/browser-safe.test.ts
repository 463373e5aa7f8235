import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The main entry bundled for a browser with its dependency (@bufbuild/protobuf), the Lantern packages aside.
const bundle = (entry: string) =>
  build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    external: ['@lantern/tensor', '@lantern/nn'],
    logLevel: 'silent',
  });

describe('entry points', () => {
  it('the main entry bundles for the browser: nothing in its import graph needs Node', async () => {
    const result = await bundle('./index.ts');
    expect(result.errors).toEqual([]);
    const text = result.outputFiles[0]!.text;
    expect(text).not.toMatch(/from\s+["'](node:)?(fs|os|path|buffer|child_process)["']/);
    expect(text).not.toMatch(/require\(["']node:/);
    expect(text).toContain('BatchNormalization');
  });

  it('compiles no code at run time (no eval, no new Function), so a strict Content-Security-Policy allows it', async () => {
    const text = (await bundle('./index.ts')).outputFiles[0]!.text;
    // A bare eval( or Function( (a method call such as module.eval() is not one).
    expect(text).not.toMatch(/(?<![.\w$])(eval|Function)\(/);
    expect(text).toMatch(/\.eval\(\)/);
  });

  it('the same check catches Node modules: the node entry fails it', async () => {
    await expect(bundle('./node.ts')).rejects.toThrow(/Could not resolve "node:fs\/promises"/);
  });
});
