import type { DType, TypedArray } from './dtype.js';

export type Nested = number | boolean | Nested[];

/** Row-major values to nested arrays of `shape`; bool tensors give booleans. */
export function toNested(values: TypedArray, shape: readonly number[], dtype: DType): Nested {
  const convert = (value: number): number | boolean => (dtype === 'bool' ? value !== 0 : value);
  if (shape.length === 0) return convert(values[0]!);
  let position = 0;
  const build = (depth: number): Nested[] => {
    const out: Nested[] = [];
    for (let i = 0; i < shape[depth]!; i++)
      out.push(depth === shape.length - 1 ? convert(values[position++]!) : build(depth + 1));
    return out;
  };
  return build(0);
}
