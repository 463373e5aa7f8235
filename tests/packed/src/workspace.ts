import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (this file sits in tests/packed/src). */
export const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
  license?: string;
  repository?: unknown;
  engines?: { node?: string };
  packageManager?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  name: string;
  version: string;
  /** Absolute path of the package folder. */
  folder: string;
  manifest: Manifest;
}

export function readManifest(folder: string): Manifest {
  return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Manifest;
}

/**
 * The packages a user can install: every non-private package under packages/ and apps/. Read at run time, so a
 * package that turns public (or private) changes what is packed without touching these tests.
 */
export function publicPackages(): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const parent of ['packages', 'apps']) {
    for (const name of readdirSync(join(workspaceRoot, parent)).sort()) {
      const folder = join(workspaceRoot, parent, name);
      if (!existsSync(join(folder, 'package.json'))) continue;
      const manifest = readManifest(folder);
      if (!manifest.private) found.push({ name: manifest.name, version: manifest.version, folder, manifest });
    }
  }
  return found;
}

/** `npx --yes pnpm@<version>` for the version the root's packageManager field pins (there is no global pnpm). */
export function pnpmCommand(): { command: string; prefix: string[] } {
  const pinned = readManifest(workspaceRoot).packageManager;
  if (!pinned?.startsWith('pnpm@'))
    throw new Error(`root package.json: expected packageManager "pnpm@<version>", got ${JSON.stringify(pinned)}`);
  return { command: 'npx', prefix: ['--yes', pinned] };
}

/** The version range the workspace itself uses for a dev tool, so the temp project matches it. */
export function workspaceRangeOf(dependency: string): string {
  const range = readManifest(workspaceRoot).devDependencies?.[dependency];
  if (!range) throw new Error(`root package.json has no devDependency ${dependency}`);
  return range;
}
