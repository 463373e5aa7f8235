import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveSafetensorsFile } from '@lantern/nn/node';
import { fromArray, type Tensor } from '@lantern/tensor';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filled, progress, rewriteCheckpoint, trainedPair, useCpuBackend, valuesOf } from './__fixtures__/checkpoint-support.js';
import { removeLeftoverTemporaries, temporaryPathFor } from './atomic-file.js';
import { readCheckpoint, restoreCheckpoint, type SavedCheckpoint, saveCheckpoint, saveWeights } from './checkpoint.js';
import { CheckpointError, NonFiniteWeightsError } from './errors.js';
import { CourseNet } from './model.js';

// The edits below reach into parsed JSON of any shape, on purpose.
// biome-ignore lint/suspicious/noExplicitAny: a test that writes wrong types needs an untyped view of the state
type Loose = Record<string, any>;

let folder: string, path: string;
beforeAll(useCpuBackend);
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lantern-checkpoint-'));
  path = join(folder, 'run.ckpt');
});
afterEach(() => rm(folder, { recursive: true, force: true }));

/** Reads `path` expecting a CheckpointError; returns it. */
async function rejection(load: () => Promise<unknown>): Promise<CheckpointError> {
  const error = await load().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  return error as CheckpointError;
}

const restoreInto = async (kind: 'sgd' | 'adam', saved: SavedCheckpoint | undefined) => {
  const fresh = trainedPair(kind, 0);
  restoreCheckpoint(saved!, fresh.model, fresh.optimizer, kind);
  return fresh;
};

describe('one checkpoint file round-trips everything', () => {
  it.each(['sgd', 'adam'] as const)('%s: weights, optimizer state and progress come back exactly', async (kind) => {
    const { model, optimizer } = trainedPair(kind);
    const flags = { ...progress().flags, optimizer: kind };
    await saveCheckpoint(path, model, optimizer, progress({ flags }));
    expect(await readdir(folder)).toEqual(['run.ckpt']); // one file, no temporary left
    const saved = await readCheckpoint(path);
    expect(saved!.state).toMatchObject({ ...progress({ flags }), format: 'lantern-cifar-trainer-checkpoint', version: 1 });
    const restored = await restoreInto(kind, saved);
    expect(await valuesOf(restored.model.stateDict())).toEqual(await valuesOf(model.stateDict()));
    const [before, after] = [optimizer.stateDict(), restored.optimizer.stateDict()];
    expect(after.paramGroups).toEqual(before.paramGroups);
    expect(Object.keys(after.state)).toEqual(Object.keys(before.state));
    for (const [index, entry] of Object.entries(before.state)) {
      for (const [name, value] of Object.entries(entry)) {
        const other = after.state[index]![name];
        if (typeof value === 'number' || value === null) expect(other).toBe(value);
        else expect(Array.from(await (other as Tensor).data())).toEqual(Array.from(await value.data()));
      }
    }
  });

  it('is a safetensors file whose weights any reader finds under model.*', async () => {
    const { model, optimizer } = trainedPair('sgd');
    await saveCheckpoint(path, model, optimizer, progress());
    const header = JSON.parse(
      (await readFile(path)).subarray(8, 8 + Number((await readFile(path)).readBigUint64LE(0))).toString(),
    );
    expect(header['model.model1.0.weight'].shape).toEqual([32, 3, 5, 5]);
    expect(header['optimizer.0.momentumBuffer'].shape).toEqual([32, 3, 5, 5]);
    expect(header.__metadata__['lantern.sha256']).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('a damaged or foreign checkpoint is refused with a CheckpointError naming the file and the fault', () => {
  beforeEach(async () => {
    const { model, optimizer } = trainedPair('sgd');
    await saveCheckpoint(path, model, optimizer, progress());
  });

  it.each([
    ['half of it', 0.5],
    ['all but the last byte', -1],
    ['the header only', 'header'],
    ['5 bytes', 5],
  ] as const)('truncated to %s', async (_, cut) => {
    const size = (await readFile(path)).length;
    const headerEnd = 8 + Number((await readFile(path)).readBigUint64LE(0));
    const length = cut === 'header' ? headerEnd : cut === -1 ? size - 1 : cut < 1 ? Math.floor(size * cut) : cut;
    await truncate(path, length);
    const error = await rejection(() => readCheckpoint(path));
    expect(error.reason).toBe('truncated');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/truncated: it has \d+ bytes/);
  });

  it.each([
    ['in the tensor data', (bytes: Buffer) => bytes.length - 100],
    ['in the state JSON (a digit of completedEpochs)', (bytes: Buffer) => bytes.indexOf('completedEpochs\\":1') + 18],
  ])('a flipped byte %s fails the SHA-256', async (_, offset) => {
    const bytes = await readFile(path);
    const at = offset(bytes);
    bytes[at] = bytes[at]! ^ (at === bytes.length - 100 ? 0x40 : 0x01); // '1' ^ 1 = '0': still valid JSON
    await writeFile(path, bytes);
    const error = await rejection(() => readCheckpoint(path));
    expect(error.reason).toBe('checksum');
    expect(error.message).toMatch(new RegExp(`checkpoint ${path}: its SHA-256 is [0-9a-f]{64} but it records [0-9a-f]{64}`));
  });

  it.each([
    ['completedEpochs', (state: Loose) => (state.completedEpochs = '1'), /field 'completedEpochs' must be an integer/],
    ['stepsIntoEpoch', (state: Loose) => (state.stepsIntoEpoch = -1), /field 'stepsIntoEpoch' must be an integer from 0/],
    ['runningLoss', (state: Loose) => (state.runningLoss = null), /field 'runningLoss' must be a finite number/],
    ['flags.lr', (state: Loose) => (state.flags.lr = 0), /field 'flags.lr' must be a number > 0, found 0/],
    ['flags.optimizer', (state: Loose) => (state.flags.optimizer = 'lbfgs'), /'flags.optimizer' must be one of sgd, adam/],
    ['flags.shuffle', (state: Loose) => (state.flags.shuffle = 'yes'), /'flags.shuffle' must be true or false/],
    [
      'generator.seed',
      (state: Loose) => (state.generator.seed = 2 ** 32),
      /'generator' must be a generator state \(seed must be an unsigned 32-bit integer, got 4294967296\)/,
    ],
    [
      'generator.words',
      (state: Loose) => (state.generator.words = [1, 2, 3]),
      /'generator' must be a generator state \(words must be an array of 624 state words\)/,
    ],
    ['generator', (state: Loose) => delete state.generator, /field 'generator' must be an object, found nothing/],
    [
      'optimizer.state',
      (state: Loose) => (state.optimizer.state['0'].x = 'a'),
      /'optimizer.state.0.x' must be a finite number or null/,
    ],
    [
      'version',
      (state: Loose) => (state.version = 2),
      /'version' must be 1 \(it was written by a newer cifar-trainer\), found 2/,
    ],
  ])('%s of the wrong type or range', async (_, edit, message) => {
    await rewriteCheckpoint(path, (state) => void edit(state));
    const error = await rejection(() => readCheckpoint(path));
    expect(error.reason).toBe('invalid-field');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(message);
  });

  it.each([
    [
      'a weight of another shape',
      (tensors: Loose) => (tensors['model.model1.0.weight'] = filled([32, 3, 5, 4], 0)),
      "tensor 'model.model1.0.weight' is float32 [32, 3, 5, 4], but the course CNN's is float32 [32, 3, 5, 5]",
    ],
    [
      'a missing weight',
      (tensors: Loose) => delete tensors['model.model1.8.bias'],
      "it has no tensor 'model.model1.8.bias', which the course CNN needs",
    ],
    [
      'a weight the model does not have',
      (tensors: Loose) => (tensors['model.model1.9.weight'] = filled([2], 0)),
      "tensor 'model.model1.9.weight' is not a parameter of the course CNN",
    ],
    [
      'optimizer state of another shape',
      (tensors: Loose) => (tensors['optimizer.0.momentumBuffer'] = filled([3], 0)),
      "tensor 'optimizer.0.momentumBuffer' is float32 [3], but parameter 0 is float32 [32, 3, 5, 5]",
    ],
  ])('%s: nothing is loaded', async (_, edit, message) => {
    await rewriteCheckpoint(path, (_state, tensors) => void edit(tensors));
    const saved = await readCheckpoint(path);
    const fresh = trainedPair('sgd', 0);
    const before = await valuesOf(fresh.model.stateDict());
    const error = await rejection(async () => restoreCheckpoint(saved!, fresh.model, fresh.optimizer, 'sgd'));
    expect(error.reason).toBe('mismatch');
    expect(error.message).toBe(`checkpoint ${path}: ${message}`);
    expect(await valuesOf(fresh.model.stateDict())).toEqual(before);
  });

  it("another optimizer's state: by the recorded kind, and by its options when the kind was edited", async () => {
    const adam = trainedPair('adam');
    await saveCheckpoint(path, adam.model, adam.optimizer, progress({ flags: { ...progress().flags, optimizer: 'adam' } }));
    const fresh = trainedPair('sgd', 0);
    const byKind = await rejection(async () =>
      restoreCheckpoint((await readCheckpoint(path))!, fresh.model, fresh.optimizer, 'sgd'),
    );
    expect(byKind.message).toBe(`checkpoint ${path}: it holds adam optimizer state, but this run's optimizer is sgd`);
    await rewriteCheckpoint(path, (state) => ((state.flags as Record<string, unknown>).optimizer = 'sgd'));
    const byOptions = await rejection(async () =>
      restoreCheckpoint((await readCheckpoint(path))!, fresh.model, fresh.optimizer, 'sgd'),
    );
    expect(byOptions.reason).toBe('mismatch');
    expect(byOptions.message).toMatch(/optimizer group 0 has the options \(amsgrad, betas, .*\), not sgd's \(dampening, lr, /);
  });

  it('plain weights, or a pre-release checkpoint (FILE + FILE.json), are named as such', async () => {
    await saveSafetensorsFile(path, new CourseNet().stateDict());
    await writeFile(`${path}.json`, JSON.stringify({ completedEpochs: 1, optimizer: {} }));
    const error = await rejection(() => readCheckpoint(path));
    expect(error.reason).toBe('not-a-checkpoint');
    expect(error.message).toMatch(/without the trainer's 'lantern.checkpoint' metadata: .* pre-release cifar-trainer .*--init/);
  });

  it('a missing file is no checkpoint (undefined), and a directory in its place is unreadable', async () => {
    expect(await readCheckpoint(join(folder, 'absent.ckpt'))).toBeUndefined();
    expect((await rejection(() => readCheckpoint(folder))).reason).toBe('unreadable');
  });
});

describe('leftovers and refusals leave the previous checkpoint whole', () => {
  it("a temporary file left by a dead writer is ignored by the reader and removed; a live writer's is kept", async () => {
    const { model, optimizer } = trainedPair('sgd');
    await saveCheckpoint(path, model, optimizer, progress());
    const dead = join(folder, '.run.ckpt.999999999.0123abcd.tmp');
    const live = temporaryPathFor(path);
    for (const leftover of [dead, live]) await writeFile(leftover, 'half a checkpoint');
    expect((await readCheckpoint(path))!.state.globalStep).toBe(13);
    expect(await removeLeftoverTemporaries(path)).toEqual([dead]);
    expect((await readdir(folder)).sort()).toEqual([live.slice(folder.length + 1), 'run.ckpt'].sort());
  });

  it('NaN weights are not written: the error names the tensor and element, and the old file stays', async () => {
    const { model, optimizer } = trainedPair('sgd');
    await saveCheckpoint(path, model, optimizer, progress());
    const before = await readFile(path);
    const bias = new Float32Array(await model.stateDict()['model1.7.bias']!.data());
    bias[5] = Number.NaN;
    model.loadStateDict({ 'model1.7.bias': fromArray(bias, [64], 'float32') }, { strict: false });
    const error = await saveCheckpoint(path, model, optimizer, progress()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NonFiniteWeightsError);
    expect((error as Error).message).toBe(
      `not writing ${path}: tensor 'model.model1.7.bias' holds NaN at element 5 (training diverged; try a smaller --lr); ` +
        'the file keeps its previous contents',
    );
    expect(await readFile(path)).toEqual(before);
    const weightsPath = join(folder, 'final.safetensors');
    await expect(saveWeights(weightsPath, model)).rejects.toThrow(`not writing ${weightsPath}: tensor 'model1.7.bias' holds NaN`);
    expect(await readdir(folder)).toEqual(['run.ckpt']);
  });

  it('SGD without momentum: its null buffers are saved as null and restored as null', async () => {
    const { model, optimizer } = trainedPair('sgd', 1, 0);
    await saveCheckpoint(path, model, optimizer, progress({ flags: { ...progress().flags, momentum: 0 } }));
    const saved = await readCheckpoint(path);
    expect(saved!.state.optimizer.state['0']).toEqual({ momentumBuffer: null });
    const fresh = trainedPair('sgd', 0, 0);
    restoreCheckpoint(saved!, fresh.model, fresh.optimizer, 'sgd');
    expect(fresh.optimizer.stateDict().state['9']).toEqual({ momentumBuffer: null });
  });
});
