import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Backend, getBackend, memory, Storage } from '@lantern/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { loadBackend } from './backends.js';
import { parseOptions } from './options.js';
import type { Reporter } from './report.js';
import { train } from './train.js';

// A long run in miniature: 20 epochs of 64 images in batches of 16, with momentum and reshuffling, on each backend.
// Whatever a step creates must be gone by the next: the storages still referenced are the same at the end of every
// epoch after the first (the first creates the momentum buffers), and within epochs never more than that plus the
// batches being prepared; a tensor kept per step would add 76 by the last epoch. The memory the process holds for
// data, which also sees what is not a tensor (histories, buffers), must stay within a few MB of where epoch 2 left
// it, and resident memory within a looser bound.

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const workspace = syntheticWorkspace(['test']);
/** Epochs per backend: WebGPU in CI runs on lavapipe, a software Vulkan at about 10 s an epoch here, so it runs fewer. */
const epochsOf = { cpu: 20, wasm: 20, webgpu: 6 } as const;
const stepsPerEpoch = 4;
/**
 * What the process holds for data (the JS heap after a full collection, plus array buffers and other external
 * memory) may move by this much from epoch 2 to the last: allocator and JIT noise (measured: under 1 MB).
 */
const heldToleranceMegabytes = 12;
/**
 * Resident memory is bounded more loosely: under a loaded CI machine V8 and malloc keep pages they no longer use
 * (measured on Node 24 inside the full parallel suite: up to 56 MB while the heap stayed flat; alone, 3 MB). The
 * storage counts above catch a leaked tensor exactly; this bound catches memory growing outside tensors.
 */
const residentBoundMegabytes = 96;

/**
 * Counts a backend's storages two ways: `reachable`, those still referenced (after a full garbage collection), which a
 * leak makes grow; and `undisposed`, allocations minus frees, which also counts garbage that only the collector's
 * finalizer will free (memory wasm and WebGPU get back late). Core's memory() counts every backend together; this
 * counts one, and tells the referenced from the merely undisposed.
 */
function countStorages(backend: Backend) {
  const { allocate, free } = backend;
  const originalAllocate = Storage.allocate;
  const storages: Array<WeakRef<Storage>> = [];
  let undisposed = 0;
  Storage.allocate = (...args) => {
    const storage = originalAllocate.apply(Storage, args);
    if (storage.backend === backend) storages.push(new WeakRef(storage));
    return storage;
  };
  backend.allocate = (...args) => {
    undisposed++;
    return allocate.apply(backend, args);
  };
  backend.free = (...args) => {
    undisposed--;
    return free.apply(backend, args);
  };
  return {
    undisposed: () => undisposed,
    reachable: () => {
      collectGarbage();
      return storages.filter((reference) => reference.deref()?.freed === false).length;
    },
    restore: () => {
      Storage.allocate = originalAllocate;
      Object.assign(backend, { allocate, free });
    },
  };
}

interface Measurements {
  /** Reachable storages after each step, by epoch (1-based), step by step. */
  reachable: number[][];
  /** Reachable storages at the end of each epoch, when no batch is being prepared. */
  atEpochEnd: number[];
  /** Undisposed storages after each step, before the garbage collection that counting the reachable ones does. */
  undisposed: number[][];
  /** Resident set size in MB after each epoch, garbage collected first. */
  residentMegabytes: number[];
  /** Heap used plus external memory (array buffers included) in MB after each epoch, garbage collected first. */
  heldMegabytes: number[];
  /** Core's count of storages the garbage collector freed (nobody disposed them), after each epoch. */
  collectedAtEpochEnd: number[];
}

/** A reporter that records memory after every step and epoch, and prints nothing. */
function measuringReporter(counter: ReturnType<typeof countStorages>, measurements: Measurements): Reporter {
  const ignore = () => {};
  return {
    start: ignore,
    resumed: ignore,
    notice: ignore,
    epochStart: ignore,
    classAccuracy: ignore,
    finish: ignore,
    close: ignore,
    step: (epoch, step) => {
      if (step === 1) {
        measurements.undisposed[epoch] = [];
        measurements.reachable[epoch] = [];
      }
      measurements.undisposed[epoch]!.push(counter.undisposed());
      measurements.reachable[epoch]!.push(counter.reachable());
    },
    epoch: () => {
      measurements.atEpochEnd.push(counter.reachable());
      measurements.collectedAtEpochEnd.push(memory().collected);
      const usage = process.memoryUsage();
      measurements.residentMegabytes.push(usage.rss / 2 ** 20);
      measurements.heldMegabytes.push((usage.heapUsed + usage.external) / 2 ** 20);
    },
  };
}

/** The backends this machine has: cpu and wasm always; WebGPU where an adapter exists (lavapipe in CI). */
async function available(name: 'cpu' | 'wasm' | 'webgpu'): Promise<boolean> {
  try {
    // The cpu backend beside WebGPU, as a program that also evaluates or saves on the host would have it.
    if (name === 'webgpu') await loadBackend('cpu');
    await loadBackend(name, 1);
    return true;
  } catch (error) {
    if ((error as Error).name !== 'WebGPUUnavailableError' || process.env.CI) throw error;
    console.warn(`SKIPPING the WebGPU long run: ${(error as Error).message}`);
    return false;
  }
}

const figures: string[] = [];
afterAll(() => console.log(`long-run memory, growth from epoch 2 to the last:\n${figures.join('\n')}`));

describe(`up to 20 epochs of ${stepsPerEpoch} steps: memory is flat after the first epoch`, () => {
  it.for(['cpu', 'wasm', 'webgpu'] as const)('%s', { timeout: 300_000 }, async (name, context) => {
    if (!(await available(name))) return context.skip();
    const epochs = epochsOf[name];
    const options = parseOptions(
      ['--data', workspace.data, '--limit', '64', '--batch-size', '16', '--epochs', String(epochs)].concat([
        '--shuffle',
        '--momentum',
        '0.9',
        '--seed',
        '0',
        '--backend',
        name,
        ...(name === 'wasm' ? ['--threads', '1'] : []),
      ]),
    );
    const counter = countStorages(getBackend(name));
    const measurements: Measurements = {
      reachable: [],
      atEpochEnd: [],
      undisposed: [],
      residentMegabytes: [],
      heldMegabytes: [],
      collectedAtEpochEnd: [],
    };
    try {
      await train(options, measuringReporter(counter, measurements));
    } finally {
      counter.restore();
    }
    const { reachable, atEpochEnd, undisposed, residentMegabytes, heldMegabytes, collectedAtEpochEnd } = measurements;
    expect(reachable.slice(1).map((steps) => steps.length)).toEqual(Array(epochs).fill(stepsPerEpoch));
    // Between epochs training holds its weights, gradients and momentum buffers and nothing else: the same at the
    // end of every epoch after the first. During an epoch, at most the two batches the loader prepares ahead (each
    // 16 images, their batch and its labels) come on top, however far along their preparation is.
    expect(atEpochEnd.slice(1)).toEqual(Array(epochs - 1).fill(atEpochEnd[1]));
    const inFlight = 2 * (16 + 2);
    for (let epoch = 2; epoch <= epochs; epoch++)
      for (const count of reachable[epoch]!) expect(count, `epoch ${epoch}`).toBeLessThanOrEqual(atEpochEnd[1]! + inFlight);
    // Nor may anything wait for the garbage collector: storage left to the finalizer piles up in wasm's linear memory
    // until a collection happens, which grew it to 107 MB in the first epoch of a 10,000-image run and slowed that
    // epoch. The collections this test forces at every step free any such storage, and core counts it.
    expect(collectedAtEpochEnd.at(-1)! - collectedAtEpochEnd[1]!, 'storages freed by the collector, not by dispose').toBe(0);
    const growth = residentMegabytes.at(-1)! - residentMegabytes[1]!;
    const heldGrowth = heldMegabytes.at(-1)! - heldMegabytes[1]!;
    figures.push(
      `  ${name}, ${epochs} epochs: ${heldGrowth.toFixed(1)} MB held (heap + external), ` +
        `${growth.toFixed(1)} MB resident (${residentMegabytes[1]!.toFixed(0)} → ` +
        `${residentMegabytes.at(-1)!.toFixed(0)} MB); storages: ${atEpochEnd[1]} reachable at every epoch's end, ` +
        `${reachable[epochs]!.join(', ')} at steps 1–4 of epoch ${epochs}, of which not yet freed ${undisposed[epochs]!.join(', ')}`,
    );
    expect(heldGrowth).toBeLessThan(heldToleranceMegabytes);
    expect(growth).toBeLessThan(residentBoundMegabytes);
  });
});
