import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { npmEnvironment } from './programs.js';
import { expectSuccess, runCommand } from './run-command.js';
import { readTarball } from './tarball.js';
import { type Manifest, pnpmCommand, publicPackages, workspaceRangeOf, workspaceRoot } from './workspace.js';

export interface PackedTarball {
  name: string;
  version: string;
  /** Absolute path of the .tgz. */
  file: string;
}

export interface PackedInstall {
  /** Where pnpm wrote the tarballs. */
  packFolder: string;
  /** An npm project outside the workspace with every tarball installed. */
  installFolder: string;
  tarballs: PackedTarball[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    packed: PackedInstall;
  }
}

/**
 * Packs every public package with pnpm (which rewrites `workspace:` ranges to versions) and installs all the tarballs
 * with plain npm into an empty project in the system's temp folder, far from the workspace's node_modules, so every
 * import in the tests resolves the way it will for a user. Third-party dependencies come from the npm registry.
 */
async function packAndInstall(packFolder: string, installFolder: string): Promise<PackedTarball[]> {
  const packages = publicPackages();
  const unbuilt = packages.filter((entry) => !existsSync(join(entry.folder, 'dist')));
  if (unbuilt.length > 0) {
    throw new Error(
      `not built: ${unbuilt.map((entry) => entry.name).join(', ')} (no dist/). Run \`turbo run build\` first; ` +
        'the root script `test:packed` does.',
    );
  }
  const pnpm = pnpmCommand();
  const filters = packages.map((entry) => `--filter=${entry.name}`);
  expectSuccess(
    await runCommand(pnpm.command, [...pnpm.prefix, '-r', ...filters, 'pack', '--pack-destination', packFolder], {
      cwd: workspaceRoot,
      timeoutMs: 120_000,
    }),
    'pnpm pack of the public packages',
  );

  const tarballs = readdirSync(packFolder)
    .filter((name) => name.endsWith('.tgz'))
    .map((name): PackedTarball => {
      const file = join(packFolder, name);
      const manifestBytes = readTarball(file).get('package.json');
      if (!manifestBytes) throw new Error(`${file} has no package.json`);
      const manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
      return { name: manifest.name, version: manifest.version, file };
    });
  const missing = packages.filter((entry) => !tarballs.some((tarball) => tarball.name === entry.name));
  if (missing.length > 0)
    throw new Error(`pnpm pack made no tarball for ${missing.map((entry) => entry.name).join(', ')} in ${packFolder}`);

  const npm = { cwd: installFolder, timeoutMs: 300_000, env: npmEnvironment() };
  expectSuccess(await runCommand('npm', ['init', '-y'], npm), 'npm init -y');
  // @types/node as a TypeScript user on Node would have it (the workspace's range), for '@lantern/*/node' types.
  const typesNode = `@types/node@${workspaceRangeOf('@types/node')}`;
  expectSuccess(
    await runCommand(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.map((tarball) => tarball.file), typesNode],
      npm,
    ),
    `npm install of ${tarballs.length} tarballs`,
  );
  return tarballs;
}

export default async function setup(project: TestProject): Promise<() => void> {
  const packFolder = mkdtempSync(join(tmpdir(), 'lantern-packed-tarballs-'));
  const installFolder = mkdtempSync(join(tmpdir(), 'lantern-packed-install-'));
  const remove = () => {
    rmSync(packFolder, { recursive: true, force: true });
    rmSync(installFolder, { recursive: true, force: true });
  };
  try {
    project.provide('packed', { packFolder, installFolder, tarballs: await packAndInstall(packFolder, installFolder) });
  } catch (error) {
    remove();
    throw error;
  }
  return () => {
    if (process.env.LANTERN_KEEP_PACKED) console.log(`kept (LANTERN_KEEP_PACKED): ${packFolder} and ${installFolder}`);
    else remove();
  };
}
