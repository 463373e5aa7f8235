// Helpers for packages' own PyTorch-fixture tests: tensors from fixture values and element-wise comparison.
import { type DType, type Tensor, tensor } from '@lantern/tensor';
import { expect } from 'vitest';

export interface FixtureValues {
  readonly shape: number[];
  /** Numbers, or 'NaN' / 'Infinity' / '-Infinity' (JSON has no literal for them). */
  readonly data: Array<number | string>;
}

export function fromFixture(fixture: FixtureValues, options: { dtype?: DType; requiresGrad?: boolean } = {}): Tensor {
  const dtype = options.dtype ?? 'float32';
  const numbers = fixture.data.map(Number);
  const values =
    dtype === 'int32' ? Int32Array.from(numbers) : dtype === 'float64' ? Float64Array.from(numbers) : Float32Array.from(numbers);
  return tensor(values, { shape: fixture.shape, dtype, requiresGrad: options.requiresGrad });
}

/** Asserts |actual - expected| <= atol + rtol * |expected| everywhere, naming the worst element when it fails. */
export function expectClose(
  actual: Tensor | null | undefined,
  expected: FixtureValues,
  label: string,
  atol = 1e-5,
  rtol = 1e-4,
): void {
  expect(actual, `${label}: missing`).toBeTruthy();
  expect([...actual!.shape], `${label}: shape`).toEqual(expected.shape);
  const values = actual!.dataSync();
  const wanted = expected.data.map(Number);
  let worst = -1,
    worstExcess = 0;
  for (let i = 0; i < wanted.length; i++) {
    const value = values[i]!,
      target = wanted[i]!;
    // NaN must meet NaN and an infinity the same infinity; finite values must lie within the tolerance.
    const exactOnly = !Number.isFinite(target) || !Number.isFinite(value);
    const excess = exactOnly
      ? Object.is(value, target) || (Number.isNaN(value) && Number.isNaN(target))
        ? 0
        : Infinity
      : Math.abs(value - target) - (atol + rtol * Math.abs(target));
    if (excess > worstExcess) {
      worst = i;
      worstExcess = excess;
    }
  }
  const detail = worst < 0 ? '' : `element ${worst}: got ${values[worst]}, expected ${wanted[worst]}`;
  expect(detail, `${label}: values differ beyond atol=${atol} rtol=${rtol}`).toBe('');
}
