import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { binaryOps, unaryOps } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import {
  bundleWorker,
  generatedTextFiles,
  outdatedGeneratedFiles,
  root,
  workerSourceFolders,
} from '../../scripts/bridge-build.mjs';
import { createContext } from '../context.js';
import { runPad, runProbe, type TaskDispatcher, taskNames } from '../generated/bridge.gen.js';
import { ThreadPool } from '../thread-pool.js';
import { BridgeDeclarationError, checkOpCodes, checkTaskSignatures } from './check-table.js';
import type { TaskSignature } from './declaration.js';
import { generateBridge } from './generate.js';
import { binaryOpCodes, taskSignatures, unaryOpCodes } from './task-table.js';

describe('the bridge declaration', () => {
  it('gives every op core declares an explicit code, no two alike', () => {
    expect(Object.keys(unaryOpCodes).sort()).toEqual([...unaryOps].sort());
    expect(Object.keys(binaryOpCodes).sort()).toEqual([...binaryOps].sort());
    expect(() => checkOpCodes('unaryOpCodes', unaryOpCodes)).not.toThrow();
    expect(() => checkOpCodes('binaryOpCodes', binaryOpCodes)).not.toThrow();
    expect(() => checkOpCodes('binaryOpCodes', { ...binaryOpCodes, pow: 2 })).toThrow(
      new BridgeDeclarationError('binaryOpCodes: pow and mul share the code 2'),
    );
    expect(() => checkOpCodes('unaryOpCodes', { neg: -1 })).toThrow(BridgeDeclarationError);
  });

  it('rejects signatures the generated code could not express', () => {
    expect(() => checkTaskSignatures(taskSignatures)).not.toThrow();
    const probe: TaskSignature = {
      name: 'Probe',
      module: 'probe',
      tasks: ['probeTask'],
      description: '',
      arguments: [['out', 'address', '']],
    };
    const twice = { ...probe, arguments: [...probe.arguments, ['out', 'int', '']] } as TaskSignature;
    expect(() => checkTaskSignatures([twice])).toThrow(/argument out is declared twice/);
    expect(() => checkTaskSignatures([probe, { ...probe, name: 'Other' }])).toThrow(/task probeTask is declared in two/);
    const wide = { ...probe, arguments: Array.from({ length: 65 }, (_, i) => [`a${i}`, 'int', ''] as const) };
    expect(() => checkTaskSignatures([wide])).toThrow(/65 i32 arguments, the block has 64 slots/);
    expect(() => checkTaskSignatures([{ ...probe, arguments: [['load', 'int', '']] }])).toThrow(/not a usable identifier/);
    expect(() => checkTaskSignatures([{ ...probe, module: '../probe' }])).toThrow(/is not a file under assembly/);
    expect(() => checkTaskSignatures([{ ...probe, arguments: [['out-put', 'int', '']] }])).toThrow(/not a usable identifier/);
  });
});

describe('the generated bridge', () => {
  it('is up to date with the table: both sides of the bridge and the worker script', async () => {
    const generated = generateBridge();
    expect(readFileSync(join(root, generatedTextFiles.assemblyBridge), 'utf8')).toBe(generated.assembly);
    expect(readFileSync(join(root, generatedTextFiles.callers), 'utf8')).toBe(generated.callers);
    expect(await outdatedGeneratedFiles()).toEqual([]);
  });

  it('rebuilds when any source of the worker script changes (every bundled file is a build input)', async () => {
    const { inputs } = await bundleWorker();
    expect(inputs).toContain('src/worker/worker-main.ts');
    for (const input of inputs) {
      const watched =
        input === generatedTextFiles.callers || workerSourceFolders.some((folder) => input.startsWith(`${folder}/`));
      expect(watched, `${input} is bundled into the worker but not watched by isStale`).toBe(true);
    }
  });

  it('writes named arguments into their slots, by kind, and dispatches the task by its table index', () => {
    const ints: Array<[number, number]> = [],
      runs: Array<[number, number, boolean]> = [];
    const recorder: TaskDispatcher = {
      setInt: (slot, value) => void ints.push([slot, value]),
      setReal: () => expect.unreachable('pad takes no f64 argument'),
      run: (task, chunks, serial) => void runs.push([task, chunks, serial]),
    };
    const borders = { top: 5, bottom: 6, left: 7, right: 8 };
    runPad(recorder, { source: 1, destination: 2, planes: 3, height: 4, width: 9, ...borders, planesPerChunk: 10 }, 11);
    expect(ints).toEqual([1, 2, 3, 4, 9, 5, 6, 7, 8, 10].map((value, slot) => [slot, value]));
    expect(runs).toEqual([[taskNames.indexOf('padTask'), 11, false]]);
  });
});

describe('the bridge in the compiled module', async () => {
  const context = await createContext();

  it('exports every task of the table, and no task the table lacks', () => {
    const exported = Object.keys(context.exports).filter((name) => name.endsWith('Task'));
    expect(exported.sort()).toEqual([...taskNames].sort());
    const withoutPad = Object.create(context.runtime, { exports: { value: { ...context.exports, padTask: undefined } } });
    expect(() => new ThreadPool(withoutPad, context.allocator)).toThrow(/exports no task padTask/);
  });

  it('delivers named arguments to the slots the task reads (probe, and pad with four different borders)', () => {
    const out = context.allocator.allocate(5 * 4);
    runProbe(context.pool, { out, work: 3 }, 5, true);
    expect([...context.runtime.i32.subarray(out >> 2, (out >> 2) + 5)]).toEqual([1, 1, 1, 1, 1]);

    // One 2×3 plane padded by 1 above, 2 below, 0 left, 1 right: any two borders swapped moves the values.
    const source = context.allocator.allocate(6 * 4),
      destination = context.allocator.allocate(5 * 4 * 4);
    context.runtime.f32.set([1, 2, 3, 4, 5, 6], source >> 2);
    const borders = { top: 1, bottom: 2, left: 0, right: 1 };
    runPad(context.pool, { source, destination, planes: 1, height: 2, width: 3, ...borders, planesPerChunk: 1 }, 1, true);
    const padded = [...context.runtime.f32.subarray(destination >> 2, (destination >> 2) + 20)];
    expect(padded).toEqual([0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (const address of [out, source, destination]) context.allocator.free(address);
  });
});
