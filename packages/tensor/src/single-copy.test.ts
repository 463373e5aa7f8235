import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Lays out node_modules as npm does when two versions of the core meet: the backend and the top level share
// @lantern/tensor 0.1.0, a layer package carries its own nested 0.2.0. Each copy is a real bundle of this package's
// source, so the program below loads two module instances with two backend registries, exactly as users would.
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const cpuRoot = join(packageRoot, '..', 'backend-cpu');
let layout: string;

function withVersion(version: string): Plugin {
  return {
    name: 'core-version',
    setup(builder) {
      builder.onLoad({ filter: /tensor[\\/]package\.json$/ }, () => ({ contents: JSON.stringify({ version }), loader: 'json' }));
    },
  };
}

async function writePackage(folder: string, name: string, entry: string, options: { version: string; external?: string[] }) {
  mkdirSync(join(folder, 'dist'), { recursive: true });
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ name, version: options.version, type: 'module', exports: './dist/index.js' }),
  );
  await build({
    entryPoints: [entry],
    outfile: join(folder, 'dist', 'index.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    external: options.external,
    plugins: [withVersion(options.version)],
    logLevel: 'silent',
  });
}

function run(program: string): { status: number; output: string } {
  const file = join(layout, 'program.mjs');
  writeFileSync(file, program);
  try {
    return { status: 0, output: execFileSync(process.execPath, [file], { cwd: layout, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const failure = error as { status: number; stderr: string };
    return { status: failure.status, output: failure.stderr };
  }
}

const program = `import { registerCpuBackend } from '@lantern/backend-cpu';
import { makeWeights } from 'layer-package';
await registerCpuBackend();
console.log(JSON.stringify(makeWeights().shape));`;

describe('two copies of the core', () => {
  beforeAll(async () => {
    layout = mkdtempSync(join(tmpdir(), 'lantern-duplicate-core-'));
    const modules = join(layout, 'node_modules');
    await writePackage(join(modules, '@lantern', 'tensor'), '@lantern/tensor', join(packageRoot, 'src', 'index.ts'), {
      version: '0.1.0',
    });
    await writePackage(join(modules, '@lantern', 'backend-cpu'), '@lantern/backend-cpu', join(cpuRoot, 'src', 'index.ts'), {
      version: '0.1.0',
      external: ['@lantern/tensor'],
    });
    const layer = join(modules, 'layer-package');
    mkdirSync(layer, { recursive: true });
    writeFileSync(
      join(layer, 'package.json'),
      JSON.stringify({ name: 'layer-package', version: '1.0.0', type: 'module', exports: './index.js' }),
    );
    writeFileSync(
      join(layer, 'index.js'),
      "import { zeros } from '@lantern/tensor';\nexport const makeWeights = () => zeros([2, 3]);\n",
    );
  });
  afterAll(() => rmSync(layout, { recursive: true, force: true }));

  it('one copy: the layer sees the backend imported beside it', () => {
    rmSync(join(layout, 'node_modules', 'layer-package', 'node_modules'), { recursive: true, force: true });
    expect(run(program)).toEqual({ status: 0, output: '[2,3]\n' });
  });

  it('a nested second copy fails at first use, naming both versions and where each was loaded from', async () => {
    const nested = join(layout, 'node_modules', 'layer-package', 'node_modules', '@lantern', 'tensor');
    await writePackage(nested, '@lantern/tensor', join(packageRoot, 'src', 'index.ts'), { version: '0.2.0' });
    const { status, output } = run(program);
    expect(status).not.toBe(0);
    expect(output).toContain('DuplicateCoreError: 2 copies of @lantern/tensor are loaded');
    expect(output).toContain(`0.1.0 from file://${join(layout, 'node_modules', '@lantern', 'tensor', 'dist', 'index.js')}`);
    expect(output).toContain(`0.2.0 from file://${join(nested, 'dist', 'index.js')}`);
    expect(output).not.toContain('no backend is registered');
  });

  it('the same version through two paths is two copies too', async () => {
    const nested = join(layout, 'node_modules', 'layer-package', 'node_modules', '@lantern', 'tensor');
    await writePackage(nested, '@lantern/tensor', join(packageRoot, 'src', 'index.ts'), { version: '0.1.0' });
    const { status, output } = run(program);
    expect(status).not.toBe(0);
    expect(output).toContain(`0.1.0 from file://${join(nested, 'dist', 'index.js')}`);
  });
});
