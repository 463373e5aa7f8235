import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { environmentWithTestNode, npmEnvironment } from './programs.js';
import { describeResult, expectSuccess, runCommand } from './run-command.js';

// The trainer's tfjs and WebGPU backends are optional peer dependencies: `npm install @lantern/cifar-trainer` alone
// brings neither TensorFlow.js nor Dawn, and choosing such a backend says what to install (exit 2, as for bad flags).
const { tarballs } = inject('packed');
const optional = ['@lantern/backend-tfjs', '@lantern/backend-webgpu'];
let folder: string;

describe('cifar-trainer installed without its optional backends', () => {
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lantern-packed-lean-'));
    const npm = { cwd: folder, timeoutMs: 300_000, env: npmEnvironment() };
    expectSuccess(await runCommand('npm', ['init', '-y'], npm), 'npm init -y');
    // Every tarball the trainer needs, named so npm takes them instead of asking the registry for @lantern packages.
    const wanted = tarballs.filter((tarball) => !optional.includes(tarball.name)).map((tarball) => tarball.file);
    expectSuccess(
      await runCommand('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...wanted], npm),
      'npm install',
    );
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('installs neither TensorFlow.js nor the WebGPU backend', () => {
    expect(existsSync(join(folder, 'node_modules', '@lantern', 'cifar-trainer'))).toBe(true);
    expect(existsSync(join(folder, 'node_modules', '@tensorflow'))).toBe(false);
    expect(existsSync(join(folder, 'node_modules', '@lantern', 'backend-webgpu'))).toBe(false);
  });

  it.each([
    ['tfjs', '@lantern/backend-tfjs'],
    ['webgpu', '@lantern/backend-webgpu'],
  ])('--backend %s exits 2 naming the package to install', async (backend, packageName) => {
    const run = await runCommand(
      join(folder, 'node_modules', '.bin', 'cifar-trainer'),
      ['--data', join(folder, 'no-data-needed'), '--backend', backend, '--epochs', '1'],
      { cwd: folder, timeoutMs: 60_000, env: environmentWithTestNode() },
    );
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr).toContain(`npm install ${packageName}`);
  });
});
