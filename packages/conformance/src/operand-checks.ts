import { BackendMismatchError, DisposedError, getBackend, setBackend, type Tensor } from '@lantern/tensor';
import { expect } from 'vitest';
import { buildInput, type FixtureCase } from './fixtures.js';
import { ops } from './ops.js';

/** The op name Lantern's errors carry, where it differs from the fixture's (the in-place optimizer ops). */
const lanternNames: Readonly<Record<string, string>> = { sgdUpdate: 'sgdUpdate_', adamUpdate: 'adamUpdate_' };

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

function callOp(testCase: FixtureCase, inputs: Tensor[]): unknown {
  return ops[testCase.op]!(inputs, testCase.attrs);
}

/**
 * Puts each operand in turn on `other` (the rest on `backend`) and expects the op to refuse with a
 * BackendMismatchError naming the op and both backends, instead of handing one backend's memory to the other's
 * kernels (which read it as zeros, NaN or whatever lies at that address).
 */
export function expectBackendMismatch(testCase: FixtureCase, backend: string, other: string): void {
  setBackend(backend);
  testCase.inputs.forEach((_, moved) => {
    const inputs = testCase.inputs.map(
      (input, index) => buildInput(input, input.dtype, index === moved ? other : backend).logical,
    );
    const error = errorOf(() => callOp(testCase, inputs));
    const label = `${testCase.name}: input ${moved} on '${other}', the others on '${backend}'`;
    expect(error, label).toBeInstanceOf(BackendMismatchError);
    const mismatch = error as BackendMismatchError;
    expect(mismatch.op, `${label}: the op named`).toBe(lanternNames[testCase.op] ?? testCase.op);
    expect([mismatch.expectedBackend, mismatch.foundBackend].sort(), `${label}: the backends named`).toEqual(
      [backend, other].sort(),
    );
  });
}

/**
 * Disposes each operand in turn (twice: disposing again is harmless) and expects a DisposedError from the op and from
 * reading the operand, rather than a read of freed memory, which on wasm and WebGPU may belong to another tensor by
 * then. A view operand is checked twice: disposed alone (its base still holds the storage), and with its base too
 * (the storage is freed).
 */
export async function expectDisposedRefused(testCase: FixtureCase, backend: string): Promise<void> {
  setBackend(backend);
  for (const [disposed, input] of testCase.inputs.entries()) {
    for (const withBase of input.layout ? [false, true] : [false]) {
      const built = testCase.inputs.map((each) => buildInput(each, each.dtype, backend));
      const target = built[disposed]!;
      target.logical.dispose();
      target.logical.dispose();
      if (withBase) target.leaf.dispose();
      const error = errorOf(() =>
        callOp(
          testCase,
          built.map((each) => each.logical),
        ),
      );
      const label = `${testCase.name}: input ${disposed} disposed${withBase ? ' with its base' : ''}`;
      expect(error, label).toBeInstanceOf(DisposedError);
      expect((error as Error).message, label).toMatch(/^\w+: a tensor of shape \[[\d, ]*\] was used after dispose\(\)$/);
      await expect(target.logical.data(), `${label}: data()`).rejects.toThrow(DisposedError);
      if (getBackend(backend).supportsSyncRead)
        expect(() => target.logical.dataSync(), `${label}: dataSync()`).toThrow(DisposedError);
    }
  }
}
