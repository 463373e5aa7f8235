import { readFileSync } from 'node:fs';
import { allocateArray, type DType, type Tensor, type TypedArray, tensor } from '@lantern/tensor';
import type { Attributes } from './ops.js';

export interface FixtureTensor {
  readonly shape: number[];
  readonly dtype: DType;
  readonly values: Array<number | string>;
}

export interface FixtureInput extends FixtureTensor {
  readonly grad: boolean;
  /** How the stored tensor becomes the op's input: as is, transposed (last two dims), or every other element. */
  readonly layout: 'transposed' | 'strided' | null;
}

export interface FixtureCase {
  readonly name: string;
  readonly op: string;
  readonly attrs: Attributes;
  readonly inputs: FixtureInput[];
  readonly outputs: FixtureTensor[];
  readonly upstream?: Array<number | string>;
  readonly grads?: Array<Array<number | string> | null>;
  readonly tolerance?: { rtol?: number; atol?: number };
}

export function loadCases(): FixtureCase[] {
  const path = new URL('./__fixtures__/cases.json', import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { cases: FixtureCase[] }).cases;
}

// JSON has no NaN/Infinity: the generator writes them as strings.
export function toTypedArray(values: ReadonlyArray<number | string>, dtype: DType): TypedArray {
  const array = allocateArray(dtype, values.length);
  for (const [i, value] of values.entries()) {
    array[i] = typeof value === 'string' ? Number(value.replace('inf', 'Infinity')) : value;
  }
  return array;
}

/**
 * The stored leaf and the (possibly non-contiguous) view of it the op receives, on `backend` (the active one when
 * omitted).
 */
export function buildInput(input: FixtureInput, dtype: DType = input.dtype, backend?: string): { leaf: Tensor; logical: Tensor } {
  const leaf = tensor(toTypedArray(input.values, dtype), { shape: input.shape, dtype, backend });
  if (input.grad) leaf.requiresGrad = true;
  const logical =
    input.layout === 'transposed' ? leaf.transpose(-1, -2) : input.layout === 'strided' ? leaf.slice(-1, 0, undefined, 2) : leaf;
  return { leaf, logical };
}

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** Null when `actual` matches `expected` within |a - e| <= atol + rtol·|e| (NaN matches NaN); else a description. */
export function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != expected ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= tolerance.atol + tolerance.rtol * Math.abs(e)) continue;
    return `element ${i}: got ${a}, expected ${e} (rtol ${tolerance.rtol}, atol ${tolerance.atol})`;
  }
  return null;
}
