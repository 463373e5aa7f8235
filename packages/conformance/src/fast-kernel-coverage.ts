import {
  type FastKernel,
  type FastKernelName,
  fastKernelDeclarations,
  fastKernelNames,
  getBackend,
  getFastKernel,
  registerFastKernel,
  type TensorView,
  unregisterFastKernel,
} from '@lantern/tensor';
import { expect } from 'vitest';

/** What an output holds before a kernel that must set all of it runs: any element left unset fails the value checks. */
const poison = { float: Number.NaN, int32: -0x5eed } as const;

/**
 * Counts the calls of every fast kernel a backend registers while the conformance cases run, so that the suite can
 * check that each one is reached: an op that stopped using its kernel would pass every value check on the composition
 * while the fast path went untested. No per-kernel list to keep: a new kernel is covered by the cases of its op.
 * It also fills each output a kernel declares it overwrites (`fastKernelDeclarations`) with poison before the call,
 * so that a kernel which leaves part of an output as it was (counting on core's zeros, which compile() does not
 * provide) fails the case's value checks.
 */
export class FastKernelCounter {
  private readonly calls = new Map<FastKernelName, number>();
  private readonly originals = new Map<FastKernelName, FastKernel<FastKernelName>>();

  constructor(private readonly backend: string) {}

  /** Wraps each registered kernel in a counter (call once the backend is registered). */
  start(): void {
    for (const name of fastKernelNames) {
      const original = getFastKernel(getBackend(this.backend), name);
      if (!original) continue;
      this.originals.set(name, original);
      this.calls.set(name, 0);
      unregisterFastKernel(this.backend, name);
      const backend = getBackend(this.backend);
      const overwritten: readonly number[] = fastKernelDeclarations[name].overwrites;
      const counting = (...args: never[]) => {
        this.calls.set(name, this.calls.get(name)! + 1);
        for (const position of overwritten) {
          const view = args[position] as TensorView | null;
          if (view) backend.fill(view, view.dtype === 'int32' ? poison.int32 : poison.float);
        }
        return (original as (...args: never[]) => void)(...args);
      };
      registerFastKernel(this.backend, name, counting as FastKernel<typeof name>);
    }
  }

  /** Puts the backend's own kernels back. */
  stop(): void {
    for (const [name, original] of this.originals) {
      unregisterFastKernel(this.backend, name);
      registerFastKernel(this.backend, name, original);
    }
    this.originals.clear();
  }

  /** Every registered kernel was called at least once (and the backend registered at least the ones it claims). */
  expectEveryKernelCalled(): void {
    const uncalled = [...this.calls].filter(([, count]) => count === 0).map(([name]) => name);
    expect(uncalled, `fast kernels of '${this.backend}' that no conformance case reached`).toEqual([]);
  }

  /** The kernels counted, with their call counts, for the test's title and report. */
  get counts(): ReadonlyMap<FastKernelName, number> {
    return this.calls;
  }
}
