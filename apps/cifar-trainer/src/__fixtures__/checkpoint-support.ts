// Test helpers for checkpoints: a model and optimizer with real state, and a way to rewrite a checkpoint's state or
// tensors while keeping its checksum valid (to reach the validation behind the checksum).
import { readFile, writeFile } from 'node:fs/promises';
import { CrossEntropyLoss } from '@lantern/losses';
import { decodeSafetensors } from '@lantern/nn';
import { Adam, type Optimizer, SGD } from '@lantern/optim';
import { fromArray, Generator, randint, randn, setBackend, type Tensor, tidy } from '@lantern/tensor';
import { loadBackend } from '../backends.js';
import type { TrainingProgress } from '../checkpoint.js';
import { decodeCheckpointFile, encodeCheckpointFile } from '../checkpoint-file.js';
import { CourseNet } from '../model.js';

export async function useCpuBackend(): Promise<void> {
  await loadBackend('cpu');
  setBackend('cpu');
}

/** The course CNN and an optimizer after `steps` steps on seeded random images, so that it has state to save. */
export function trainedPair(kind: 'sgd' | 'adam', steps = 2, momentum = 0.9): { model: CourseNet; optimizer: Optimizer } {
  const model = new CourseNet();
  const optimizer =
    kind === 'sgd' ? new SGD(model.parameters(), { lr: 0.01, momentum }) : new Adam(model.parameters(), { lr: 0.001 });
  const generator = new Generator(1);
  const loss = new CrossEntropyLoss();
  for (let step = 0; step < steps; step++) {
    tidy(() => {
      const value = loss(model(randn([2, 3, 32, 32], { generator })), randint(0, 10, [2], { generator }));
      optimizer.zeroGrad();
      value.backward();
      optimizer.step();
    });
  }
  return { model, optimizer };
}

export function progress(overrides: Partial<TrainingProgress> = {}): TrainingProgress {
  return {
    completedEpochs: 1,
    stepsIntoEpoch: 3,
    runningLoss: 6.75,
    globalStep: 13,
    flags: {
      optimizer: 'sgd',
      lr: 0.01,
      momentum: 0.9,
      weightDecay: 0,
      nesterov: false,
      batchSize: 2,
      shuffle: true,
      seed: 0,
      split: 'test',
      limit: 20,
      model: 'course',
      augment: false,
      normalize: false,
      labelSmoothing: 0,
      clipGradNorm: null,
      lrScheduler: null,
      stepSize: null,
      gamma: null,
      milestones: null,
      tMax: null,
      etaMin: null,
      maxLr: null,
      pctStart: null,
      patience: null,
      factor: null,
    },
    generator: new Generator(0).getState(),
    scheduler: null,
    history: [{ epoch: 1, runningLoss: 20.5, meanLoss: 2.05, lr: 0.01 }],
    ...overrides,
  };
}

/** Rewrites the checkpoint at `path` after `edit` changed its state or tensors, with a checksum that matches. */
export async function rewriteCheckpoint(
  path: string,
  edit: (state: Record<string, unknown>, tensors: Record<string, Tensor>) => void,
): Promise<void> {
  const bytes = new Uint8Array(await readFile(path));
  const file = decodeCheckpointFile(path, bytes);
  const state = file.state as Record<string, unknown>;
  const { tensors } = decodeSafetensors(bytes);
  edit(state, tensors);
  await writeFile(path, await encodeCheckpointFile(state, tensors));
}

/** A float32 tensor of `shape` filled with `value`. */
export function filled(shape: number[], value: number): Tensor {
  return fromArray(new Float32Array(shape.reduce((product, extent) => product * extent, 1)).fill(value), shape, 'float32');
}

/** Every tensor's values, by name, for exact comparison. */
export async function valuesOf(tensors: Record<string, Tensor>): Promise<Record<string, number[]>> {
  const entries = await Promise.all(
    Object.entries(tensors).map(async ([name, tensor]) => [name, Array.from(await tensor.data())] as const),
  );
  return Object.fromEntries(entries);
}
