import type { Backend } from '../backend.js';
import { Storage } from '../engine.js';
import { keep, tidy } from '../scope.js';
import { contiguousStrides, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { type Claimant, claim, reviveReleased, unclaim } from './claims.js';
import { fuseElementwise } from './fusion.js';
import type { GradientUse, RecordedEntry, RecordedGuard, Recorder } from './recorder.js';

/** A fresh contiguous copy of `source` on its backend, made by one kernel and no autograd. */
export function freshCopy(source: Tensor): Tensor {
  const backend = source.backend;
  const copy = new Tensor(
    Storage.allocate(backend, sizeOf(source.shape), source.dtype),
    source.shape,
    contiguousStrides(source.shape),
    0,
  );
  backend.copy(source.kernelView('compile', backend), copy.kernelView('compile', backend));
  return copy;
}

/** Where a leaf's gradient lives after the step, so that a replay can hand it back as `.grad` once it was cleared. */
interface GradientRecord {
  readonly leaf: Tensor;
  readonly use: GradientUse;
  /** The tensor the step left as `.grad` (null when backward never reached the leaf). */
  tensor: Tensor | null;
}

/**
 * One traced program: the recorded calls, the memory they use, and what a later call must find to replay it.
 * Memory: the plan owns the storage the trace released (its pool, reused at every replay) and keeps the backend from
 * freeing any other storage the calls use (parameters, gradients, outputs) for as long as it lives (`claims`).
 */
export class Plan implements Claimant {
  readonly entries: readonly RecordedEntry[];
  readonly guards: readonly RecordedGuard[];
  private readonly gradients: GradientRecord[];
  private readonly pool: Array<[Backend, unknown]> = [];
  readonly claimed = new Map<Backend, Set<unknown>>();
  /** Why the plan no longer matches what its calls use (a parameter replaced), or null. */
  stale: string | null = null;

  constructor(
    recorder: Recorder,
    /** The step's tensor arguments as the trace saw them: copies that each replay refills. */
    readonly inputs: readonly Tensor[],
    /** The tensors the traced call returned, kept; each call returns copies. */
    readonly outputs: readonly Tensor[],
  ) {
    this.guards = recorder.guards;
    this.gradients = [...recorder.gradients].map(([leaf, use]) => ({ leaf, use, tensor: leaf.grad }));
    for (const [backend, bySize] of recorder.pool)
      for (const handles of bySize.values()) for (const handle of handles) this.pool.push([backend, handle]);
    const pooled = new Set(this.pool.map(([, handle]) => handle));
    let entries = recorder.program();
    for (const backend of recorder.referenced.keys()) entries = fuseElementwise(entries, backend, pooled);
    this.entries = entries;
    for (const [backend, handles] of recorder.referenced) {
      this.claimed.set(backend, new Set([...handles].filter((handle) => !pooled.has(handle))));
    }
  }

  /** Whether a released claim is a gradient the step clears or assigns anyway (not a reason to trace again). */
  isClearedGradient(handle: unknown): boolean {
    return this.gradients.some((record) => record.use !== 'accumulated' && record.tensor?.storage.handle === handle);
  }

  claim(): void {
    claim(this, this.claimed);
  }

  noteReleased(handle: unknown): void {
    if (!this.stale && !this.isClearedGradient(handle)) {
      this.stale = 'a tensor the compiled step uses was disposed or replaced (a parameter, a buffer, an accumulated gradient)';
    }
  }

  /**
   * Puts every touched leaf's `.grad` where the traced program expects it, or says why the program does not fit:
   * a cleared gradient is disposed as zeroGrad would, and the step's own gradient tensor is handed back as `.grad`.
   */
  prepareGradients(): string | null {
    for (const record of this.gradients) {
      const current = record.leaf.grad;
      if (record.use === 'accumulated' && current !== record.tensor) {
        return 'a gradient the step accumulates into was replaced or cleared since the last call';
      }
      if (record.use === 'assigned' && current !== null && current !== record.tensor) {
        return 'a parameter has a gradient the traced step did not see (the trace assigned it, now it would accumulate)';
      }
      if (record.use === 'assigned' && current === record.tensor) {
        return 'the step is accumulating gradients across calls (the trace assigned them)';
      }
    }
    for (const record of this.gradients) {
      if (record.use === 'accumulated' || record.leaf.grad === record.tensor) continue;
      if (record.leaf.grad && !record.leaf.grad.isDisposed) record.leaf.grad.dispose();
      record.tensor = record.tensor && this.revive(record.tensor);
      record.leaf.grad = record.tensor;
    }
    return null;
  }

  /** The tensor, or a new one over its storage when its holders let it go (the plan kept the memory). */
  private revive(tensor: Tensor): Tensor {
    if (!tensor.isDisposed) return tensor;
    let storage = tensor.storage;
    if (storage.freed) {
      const { backend, handle, size, dtype } = storage;
      reviveReleased(backend, handle);
      storage = new Storage(backend, handle, size, dtype);
    }
    return keep(new Tensor(storage, tensor.shape, tensor.strides, tensor.offset));
  }

  /** Refills the inputs and runs the guards; the reason the program does not fit these inputs, or null. */
  loadInputs(sources: readonly Tensor[]): string | null {
    sources.forEach((source, index) => {
      const target = this.inputs[index]!;
      source.backend.copy(source.kernelView('compile', source.backend), target.kernelView('compile', target.backend));
    });
    for (const guard of this.guards) {
      const values = guard.backend.readSync!(guard.view.handle, guard.view.dtype, guard.view.offset, guard.size);
      if (!Object.is(guard.check(values), guard.result)) return 'an input check gave another result than at tracing';
    }
    return null;
  }

  run(): void {
    for (const entry of this.entries) {
      // Inside tidy, as the traced call's eager work most likely was: what it does not keep is freed at once.
      if ('eager' in entry) tidy(entry.eager);
      else entry.kernel.apply(entry.target, entry.args as unknown[]);
    }
  }

  /** Gives back everything the plan holds; its storage goes to the backends (or stays with tensors still using it). */
  dispose(): void {
    unclaim(this, this.claimed);
    for (const [backend, handle] of this.pool) backend.free(handle);
    this.pool.length = 0;
    for (const tensor of [...this.inputs, ...this.outputs]) tensor.dispose();
  }
}
