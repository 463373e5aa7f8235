import { allocateArray, assertDType, isFloating, type TypedArray } from '../dtype.js';
import { DTypeError, ShapeError } from '../errors.js';
import { fusedMultiplyAddFloat32 } from '../numerics/fused-multiply-add.js';
import { defaultGenerator, type Generator } from '../random.js';
import { assertValidCount, assertValidShape, type Shape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type CreationOptions, fromArray } from './creation.js';

export interface RandomOptions extends CreationOptions {
  generator?: Generator;
}

/**
 * Fills `values` as PyTorch's CPU uniform_(low, high) does. float32: 24 random bits, bounds rounded to float32 and
 * `unit · (high - low) + low` rounded once (PyTorch's build contracts it to a fused multiply-add), bit for bit.
 * float64: 53 random bits; PyTorch fuses there too, which a double cannot emulate cheaply, so about half the draws
 * can differ from PyTorch's in the last bit.
 */
export function fillUniform(values: TypedArray, low: number, high: number, generator: Generator): void {
  if (values instanceof Float64Array) {
    for (let i = 0; i < values.length; i++) values[i] = generator.nextUint64AsFraction53() * (high - low) + low;
    return;
  }
  const from = Math.fround(low),
    range = Math.fround(Math.fround(high) - from);
  for (let i = 0; i < values.length; i++) values[i] = fusedMultiplyAddFloat32(generator.nextFloat24(), range, from);
}

// PyTorch's normal_fill: uniforms first, then Box-Muller over blocks of 16 (the last block recomputed when the
// size is not a multiple of 16). Used for 16 or more elements, as in PyTorch's CPU kernel.
function fillNormalBlocks(values: TypedArray, mean: number, std: number, generator: Generator): void {
  const size = values.length;
  fillUniform(values, 0, 1, generator);
  const transform = (start: number) => {
    for (let j = 0; j < 8; j++) {
      const u1 = 1 - values[start + j]!;
      const u2 = values[start + j + 8]!;
      const radius = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      values[start + j] = radius * Math.cos(theta) * std + mean;
      values[start + j + 8] = radius * Math.sin(theta) * std + mean;
    }
  };
  for (let i = 0; i + 16 <= size; i += 16) transform(i);
  if (size % 16 !== 0) {
    const tail = values.subarray(size - 16);
    fillUniform(tail, 0, 1, generator);
    transform(size - 16);
  }
}

export function fillNormal(values: TypedArray, mean: number, std: number, generator: Generator): void {
  if (values.length >= 16) {
    fillNormalBlocks(values, mean, std, generator);
    return;
  }
  for (let i = 0; i < values.length; i++) values[i] = generator.nextNormal() * std + mean;
}

function floatingDType(op: string, options: CreationOptions) {
  const dtype = options.dtype ?? 'float32';
  assertDType(op, dtype);
  if (!isFloating(dtype)) throw new DTypeError(`${op}: expected a floating dtype, got ${dtype}`);
  return dtype;
}

/**
 * Uniform samples in [0, 1).
 * @example
 * manualSeed(0); rand([3]) // same values as torch.manual_seed(0); torch.rand(3)
 */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  assertValidShape('rand', shape);
  const values = allocateArray(floatingDType('rand', options), sizeOf(shape));
  fillUniform(values, 0, 1, options.generator ?? defaultGenerator);
  return fromArray(values, shape, floatingDType('rand', options), options);
}

/** Standard normal samples. */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  assertValidShape('randn', shape);
  const values = allocateArray(floatingDType('randn', options), sizeOf(shape));
  fillNormal(values, 0, 1, options.generator ?? defaultGenerator);
  return fromArray(values, shape, floatingDType('randn', options), options);
}

/**
 * `count` integers uniform in [low, high) as plain numbers, drawn as randint draws them: for code that needs random
 * indices on the host (a sampler) without making a tensor to read back.
 */
export function randintValues(low: number, high: number, count: number, generator: Generator = defaultGenerator): number[] {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || !(high > low)) {
    throw new ShapeError(`randint: expected integers low < high, got low=${low} high=${high}`);
  }
  const range = high - low;
  return Array.from({ length: count }, () => (generator.nextUint32() % range) + low);
}

/** Integers uniform in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  assertValidShape('randint', shape);
  const dtype = options.dtype ?? 'int32';
  assertDType('randint', dtype);
  const values = allocateArray(dtype, sizeOf(shape));
  values.set(randintValues(low, high, values.length, options.generator));
  return fromArray(values, shape, dtype, options);
}

/**
 * A random permutation of 0..n-1 as an Int32Array, drawn as PyTorch's CPU randperm draws it: for code that needs it on
 * the host (a sampler) without making a tensor to read back.
 */
export function randpermValues(n: number, generator: Generator = defaultGenerator): Int32Array {
  assertValidCount('randperm', 'n', n);
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = generator.nextUint32() % (n - i);
    const swap = values[i]!;
    values[i] = values[z + i]!;
    values[z + i] = swap;
  }
  return values;
}

/** A random permutation of 0..n-1 (int32), drawn as PyTorch's CPU randperm draws it. */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  const dtype = options.dtype ?? 'int32';
  assertDType('randperm', dtype);
  const permutation = randpermValues(n, options.generator);
  const values = dtype === 'int32' ? permutation : allocateArray(dtype, n);
  if (values !== permutation) values.set(permutation);
  return fromArray(values, [n], dtype, options);
}
