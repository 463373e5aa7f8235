import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { placePrograms, runNode } from './programs.js';
import { expectSuccess, lastJsonLine } from './run-command.js';

// Step 3a: the course CNN from the installed tarballs in a plain Node ESM program (no bundler, no aliases): a few SGD
// steps with CrossEntropyLoss on one fixed random batch, on cpu and then on wasm with 2 threads.
interface NodeTraining {
  node: string;
  cpu: number[];
  wasm: number[];
  threads: number;
  threadingUnavailableReason: string | null;
  workerChunks: number;
}

const { installFolder } = inject('packed');

/** Every installed copy of @lantern/tensor: the top-level one and any nested under another package's node_modules. */
function tensorCopies(nodeModules: string): string[] {
  const copies = existsSync(join(nodeModules, '@lantern', 'tensor', 'package.json'))
    ? [join(nodeModules, '@lantern', 'tensor')]
    : [];
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const packages = entry.name.startsWith('@')
      ? readdirSync(join(nodeModules, entry.name)).map((name) => join(entry.name, name))
      : [entry.name];
    for (const name of packages) {
      const nested = join(nodeModules, name, 'node_modules');
      if (existsSync(nested)) copies.push(...tensorCopies(nested));
    }
  }
  return copies;
}

describe('Node ESM program', () => {
  let result: NodeTraining;

  beforeAll(async () => {
    placePrograms(installFolder, ['course-training.mjs', 'train-node.mjs']);
    const run = expectSuccess(
      await runNode(installFolder, ['train-node.mjs']),
      'node train-node.mjs (course CNN on cpu and wasm)',
    );
    result = lastJsonLine<NodeTraining>(run, 'train-node.mjs');
  });

  it('installs exactly one copy of @lantern/tensor (every package shares its backend registry)', () => {
    expect(tensorCopies(join(installFolder, 'node_modules'))).toHaveLength(1);
  });

  it('runs on Node 22 or later', () => {
    expect(Number(result.node.slice(1).split('.')[0])).toBeGreaterThanOrEqual(22);
  });

  it('trains on cpu: the loss falls', () => {
    expect(result.cpu.every(Number.isFinite), `cpu losses ${result.cpu}`).toBe(true);
    expect(result.cpu.at(-1)!, `cpu losses ${result.cpu}`).toBeLessThan(result.cpu[0]!);
  });

  it('trains on wasm with 2 threads: the loss falls and the worker ran chunks', () => {
    expect(result.threadingUnavailableReason).toBeNull();
    expect(result.threads).toBe(2);
    expect(result.workerChunks).toBeGreaterThan(0);
    expect(result.wasm.every(Number.isFinite), `wasm losses ${result.wasm}`).toBe(true);
    expect(result.wasm.at(-1)!, `wasm losses ${result.wasm}`).toBeLessThan(result.wasm[0]!);
  });

  it('agrees with cpu on the first loss (same seed, same weights and batch)', () => {
    expect(Math.abs(result.wasm[0]! - result.cpu[0]!)).toBeLessThan(1e-4);
  });
});
