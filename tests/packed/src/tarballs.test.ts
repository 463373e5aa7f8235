import { describe, expect, inject, it } from 'vitest';
import { readTarball } from './tarball.js';
import type { Manifest } from './workspace.js';

// Step 1: what pnpm pack put in each tarball. Every path a manifest points at must be inside, `workspace:` ranges must
// have been rewritten, and the files a registry page and a user expect (LICENSE, README.md, types) must ship.
const { tarballs } = inject('packed');

/** Every file path named by `exports` (any condition, any depth). */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

/** Export entries (subpaths) that name no `types` condition, so TypeScript under nodenext/bundler finds no types there. */
function entriesWithoutTypes(exports: unknown): string[] {
  if (exports === undefined) return [];
  const hasTypes = (target: unknown) => typeof target === 'object' && target !== null && 'types' in target;
  if (typeof exports !== 'object' || exports === null || Array.isArray(exports)) return ['.'];
  const entries = Object.entries(exports as Record<string, unknown>);
  // A conditions object at the top ({ types, import }) is the "." entry written without its key.
  if (!entries.every(([key]) => key.startsWith('.'))) return hasTypes(exports) ? [] : ['.'];
  return entries.filter(([key, target]) => key !== './package.json' && !hasTypes(target)).map(([key]) => key);
}

const normalize = (path: string) => path.replace(/^\.\//, '');

describe.each(tarballs.map((tarball) => [tarball.name, tarball] as const))('%s tarball', (name, tarball) => {
  const files = readTarball(tarball.file);
  const manifestText = files.get('package.json')?.toString('utf8') ?? '{}';
  const manifest = JSON.parse(manifestText) as Manifest;
  const declaresEntry = manifest.exports !== undefined || manifest.main !== undefined;

  it('has no workspace: ranges left in package.json', () => {
    const leftovers = manifestText
      .split('\n')
      .filter((line) => line.includes('workspace:'))
      .map((line) => line.trim());
    expect(leftovers, `${name}: pnpm pack should rewrite these`).toEqual([]);
  });

  it('ships LICENSE, README.md and CHANGELOG.md', () => {
    expect(
      ['LICENSE', 'README.md', 'CHANGELOG.md'].filter((file) => !files.has(file)),
      `${name} is missing`,
    ).toEqual([]);
  });

  it('declares a license, its repository and the Node versions it supports', () => {
    expect(manifest.license, `${name}: license`).toBeTruthy();
    expect(manifest.repository, `${name}: repository`).toBeTruthy();
    expect(manifest.engines?.node, `${name}: engines.node`).toBeTruthy();
  });

  // The core sits at the bottom and depends on no other @lantern package; everything else takes it as a peer, so
  // npm installs one copy and every package registers into and reads from the same backend registry.
  it('has @lantern/tensor as a peer dependency, or is the core and depends on no @lantern package', () => {
    const lantern = (field: Record<string, string> | undefined) =>
      Object.keys(field ?? {}).filter((key) => key.startsWith('@lantern/'));
    if (name === '@lantern/tensor') {
      expect([...lantern(manifest.dependencies), ...lantern(manifest.peerDependencies)]).toEqual([]);
      return;
    }
    expect(
      manifest.dependencies?.['@lantern/tensor'],
      `${name}: @lantern/tensor in dependencies allows a second copy`,
    ).toBeUndefined();
    expect(manifest.peerDependencies?.['@lantern/tensor'], `${name}: peerDependencies`).toBeTruthy();
  });

  it('ships every file its manifest points at', () => {
    const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
    const targets = [manifest.main, manifest.types, ...exportTargets(manifest.exports), ...bins]
      .filter((path): path is string => typeof path === 'string' && !path.includes('*'))
      .map(normalize);
    expect(
      targets.filter((path) => !files.has(path)),
      `${name}: named in package.json but not in the tarball`,
    ).toEqual([]);
    for (const bin of bins)
      expect(files.get(normalize(bin))?.subarray(0, 19).toString(), `${name}: ${bin} needs a node shebang`).toBe(
        '#!/usr/bin/env node',
      );
  });

  it.runIf(declaresEntry)('ships dist/index.js and type declarations for every export', () => {
    expect(files.has('dist/index.js'), `${name}: dist/index.js`).toBe(true);
    expect(
      [...files.keys()].some((path) => path.endsWith('.d.ts')),
      `${name}: no .d.ts file`,
    ).toBe(true);
    expect(entriesWithoutTypes(manifest.exports), `${name}: export entries without a "types" condition`).toEqual([]);
  });

  it('depends only on packages that are published with it, at versions that match', () => {
    const packed = new Map(tarballs.map((entry) => [entry.name, entry.version]));
    const problems: string[] = [];
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
      for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
        if (!dependency.startsWith('@lantern/')) continue;
        const version = packed.get(dependency);
        if (!version) problems.push(`${field}.${dependency} (${range}) is not a published package`);
        else if (!satisfiesSimpleRange(version, range))
          problems.push(`${field}.${dependency}: ${range} does not admit ${version}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/** Enough of semver for what pnpm writes for workspace ranges: an exact version, ^x.y.z, ~x.y.z or *. */
function satisfiesSimpleRange(version: string, range: string): boolean {
  if (range === '*' || range === version) return true;
  const parse = (text: string) => text.split('.').map(Number) as [number, number, number];
  const match = /^([~^])(\d+\.\d+\.\d+)$/.exec(range);
  if (!match) return false;
  const [major, minor, patch] = parse(version),
    [lowMajor, lowMinor, lowPatch] = parse(match[2]!);
  const atLeast = major > lowMajor || (major === lowMajor && (minor > lowMinor || (minor === lowMinor && patch >= lowPatch)));
  if (!atLeast) return false;
  if (match[1] === '~') return major === lowMajor && minor === lowMinor;
  return lowMajor > 0
    ? major === lowMajor
    : lowMinor > 0
      ? major === 0 && minor === lowMinor
      : major === 0 && minor === 0 && patch === lowPatch;
}
