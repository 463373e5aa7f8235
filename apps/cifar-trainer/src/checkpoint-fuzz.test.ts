import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mutations } from '@lantern/conformance/byte-mutations';
import { decodeSafetensors } from '@lantern/nn';
import type { Tensor } from '@lantern/tensor';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progress, trainedPair, useCpuBackend } from './__fixtures__/checkpoint-support.js';
import { readCheckpoint, restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
import { decodeCheckpointFile, encodeCheckpointFile } from './checkpoint-file.js';
import { validateTrainingState } from './checkpoint-state.js';
import { CheckpointError } from './errors.js';

// Property tests of the checkpoint reader: damaged files, and files whose state or tensors were changed and then
// sealed again with a valid checksum (so that the checks behind the checksum are reached), are read and restored, or
// refused with a CheckpointError naming the file; never another exception. Run counts keep the file to seconds.

const path = '/checkpoints/run.ckpt';
let folder: string;
let small: Uint8Array;
let state: Record<string, unknown>;

beforeAll(async () => {
  await useCpuBackend();
  folder = await mkdtemp(join(tmpdir(), 'lantern-checkpoint-fuzz-'));
  // The course CNN after one Adam step: model tensors, moment tensors and step counts, all in one real checkpoint.
  const { model, optimizer } = trainedPair('adam', 1);
  await saveCheckpoint(
    join(folder, 'real.ckpt'),
    model,
    optimizer,
    progress({ flags: { ...progress().flags, optimizer: 'adam' } }),
  );
  const real = new Uint8Array(await readFile(join(folder, 'real.ckpt')));
  state = decodeCheckpointFile(path, real).state as Record<string, unknown>;
  // The same state over two small tensors: the byte-level properties hash a few hundred bytes per run, not megabytes.
  const { tensors } = decodeSafetensors(real);
  small = await encodeCheckpointFile(state, {
    'model.model1.8.bias': tensors['model.model1.8.bias']!,
    'optimizer.9.expAvg': tensors['optimizer.9.expAvg']!,
  });
});
afterAll(() => rm(folder, { recursive: true, force: true }));

/** Runs `read`; a CheckpointError must name the file; anything else fails the property. */
async function readOrRefused(file: string, read: () => unknown): Promise<'read' | CheckpointError['reason']> {
  try {
    await read();
    return 'read';
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    expect(error.path).toBe(file);
    expect(error.message.startsWith(`checkpoint ${file}: `)).toBe(true);
    return error.reason;
  }
}

/** Every path to a value in a JSON tree (arrays cut to their first entries, so the 624 generator words do not swamp it). */
function paths(value: unknown, prefix: string[] = []): string[][] {
  const found = [prefix];
  if (typeof value !== 'object' || value === null) return found;
  const entries = Array.isArray(value) ? value.slice(0, 3).map((item, index) => [String(index), item]) : Object.entries(value);
  for (const [key, item] of entries) found.push(...paths(item, [...prefix, key as string]));
  return found;
}

const hostile = fc.oneof(
  fc.constantFrom(null, -1, 0, 1, 1.5, 2 ** 32, 2 ** 53, 1e308, -1e308, '', '1', 'sgd', true, false, [], {}, [1, 2], { a: 1 }),
  fc.constantFrom('delete', Array(625).fill(1), Array(624).fill(-1), 'x'.repeat(1000)),
  fc.jsonValue({ maxDepth: 2 }),
);

/** The state with the value at one path replaced by a hostile value, or deleted. */
const damagedState = fc.tuple(fc.nat(), hostile).map(([pick, value]) => {
  const copy = structuredClone(state);
  const all = paths(copy);
  const at = all[pick % all.length]!;
  if (at.length === 0) return value === 'delete' ? null : value;
  const parent = at.slice(0, -1).reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, copy);
  if (value === 'delete') delete parent[at.at(-1)!];
  else parent[at.at(-1)!] = value;
  return copy;
});

describe('the checkpoint reader under damage', () => {
  it('damaged bytes: read, or a CheckpointError naming the file (1,500 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(mutations(64), async (damage) => {
        const bytes = damage(small);
        await readOrRefused(path, () => validateTrainingState(path, decodeCheckpointFile(path, bytes).state));
      }),
      { numRuns: 1500 },
    );
  });

  it('a state with any field of a hostile value or type, sealed again: validated, or a CheckpointError (1,500 runs)', async () => {
    const tensors = decodeSafetensors(small).tensors;
    await fc.assert(
      fc.asyncProperty(damagedState, async (damaged) => {
        const bytes = await encodeCheckpointFile(damaged as object, tensors);
        await readOrRefused(path, () => validateTrainingState(path, decodeCheckpointFile(path, bytes).state));
      }),
      { numRuns: 1500 },
    );
  });

  it('a real checkpoint with tensors renamed, reshaped, dropped or added and its state damaged, sealed again: restored or refused (100 runs)', async () => {
    const real = new Uint8Array(await readFile(join(folder, 'real.ckpt')));
    const names = Object.keys(decodeSafetensors(real).tensors);
    const edit = fc.record({
      tensor: fc.constantFrom(...names),
      change: fc.constantFrom('rename', 'reshape', 'drop', 'add', 'scalar', 'none'),
      newName: fc.constantFrom('model.extra', 'optimizer.99.expAvg', 'optimizer.0.step', 'optimizer.x.y', 'model.'),
      damaged: fc.option(damagedState, { freq: 2 }),
    });
    const target = join(folder, 'edited.ckpt');
    await fc.assert(
      fc.asyncProperty(edit, async ({ tensor, change, newName, damaged }) => {
        const tensors: Record<string, Tensor> = decodeSafetensors(real).tensors;
        const chosen = tensors[tensor]!;
        if (change === 'rename' || change === 'drop') delete tensors[tensor];
        if (change === 'rename' || change === 'add') tensors[newName] = chosen;
        if (change === 'reshape') tensors[tensor] = chosen.reshape(-1);
        if (change === 'scalar') tensors[tensor] = chosen.sum();
        await writeFile(target, await encodeCheckpointFile((damaged ?? state) as object, tensors));
        const { model, optimizer } = trainedPair('adam', 0);
        const fresh = structuredClone(optimizer.stateDict().paramGroups);
        const outcome = await readOrRefused(target, async () => {
          const saved = await readCheckpoint(target);
          restoreCheckpoint(saved!, model, optimizer, 'adam');
        });
        // Restored or not, every option holds a value of the kind Adam uses (no lr of "0.1", no betas of [1]).
        const kind = (value: unknown) => (Array.isArray(value) ? `array of ${value.length}` : typeof value);
        optimizer.stateDict().paramGroups.forEach((group, index) => {
          for (const [name, value] of Object.entries(fresh[index]!))
            expect(kind((group as Record<string, unknown>)[name]), `${outcome}: ${name}`).toBe(kind(value));
        });
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it.each([
    ['lr', '0.1', `option 'lr' is "0.1", where adam holds number`],
    ['betas', [0.9], "option 'betas' is [0.9], where adam holds an array of 2"],
    ['amsgrad', 0, "option 'amsgrad' is 0, where adam holds boolean"],
  ])(
    'found by the property above: a group option %s of another kind (%j) is refused, not trained with',
    async (name, value, message) => {
      const damaged = structuredClone(state) as { optimizer: { paramGroups: Array<Record<string, unknown>> } };
      damaged.optimizer.paramGroups[0]![name] = value;
      const real = new Uint8Array(await readFile(join(folder, 'real.ckpt')));
      const target = join(folder, `kind-${name}.ckpt`);
      await writeFile(target, await encodeCheckpointFile(damaged, decodeSafetensors(real).tensors));
      const { model, optimizer } = trainedPair('adam', 0);
      const saved = await readCheckpoint(target);
      expect(() => restoreCheckpoint(saved!, model, optimizer, 'adam')).toThrow(
        `checkpoint ${target}: optimizer group 0 ${message}`,
      );
    },
  );

  it('found by the property above: a scalar in place of a moment tensor is refused before anything is loaded', async () => {
    const real = new Uint8Array(await readFile(join(folder, 'real.ckpt')));
    const tensors = decodeSafetensors(real).tensors;
    tensors['optimizer.7.expAvg'] = tensors['optimizer.7.expAvg']!.sum();
    const target = join(folder, 'scalar-moment.ckpt');
    await writeFile(target, await encodeCheckpointFile(state, tensors));
    const { model, optimizer } = trainedPair('adam', 0);
    const before = Array.from(await model.parameters()[0]!.data());
    const error = await readCheckpoint(target)
      .then((saved) => restoreCheckpoint(saved!, model, optimizer, 'adam'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).message).toContain(
      "tensor 'optimizer.7.expAvg' is float32 [], but parameter 7 is float32 [64]",
    );
    expect(Array.from(await model.parameters()[0]!.data())).toEqual(before);
  });
});
