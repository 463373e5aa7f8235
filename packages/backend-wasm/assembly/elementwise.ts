import { BinaryOpCode, UnaryOpCode, Zero } from './generated/bridge.gen';

// float32 elementwise rows. JS (src/kernels/elementwise.ts) walks the strided views row by row and calls these with
// each row's element steps; contiguous rows (and rows against a broadcast scalar, step 0) take the f32x4 paths.
// Transcendentals are evaluated in f64 and rounded once, exactly as the cpu reference does.
// Op codes are declared in src/bridge/op-codes.ts and generated into UnaryOpCode and BinaryOpCode; a code no op has
// traps (unreachable), as no caller can pass one.

function erf(x: f64): f64 {
  // W. J. Cody's rational approximation, the same formula as the cpu reference.
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : -y;
}

function unaryScalar(op: i32, x: f64): f64 {
  switch (op) {
    case UnaryOpCode.neg: return -x;
    case UnaryOpCode.exp: return Math.exp(x);
    case UnaryOpCode.log: return Math.log(x);
    case UnaryOpCode.sqrt: return Math.sqrt(x);
    case UnaryOpCode.reciprocal: return 1 / x;
    case UnaryOpCode.abs: return Math.abs(x);
    case UnaryOpCode.sign: return x > 0 ? 1 : x < 0 ? -1 : x;
    case UnaryOpCode.sin: return Math.sin(x);
    case UnaryOpCode.cos: return Math.cos(x);
    case UnaryOpCode.tanh: return Math.tanh(x);
    case UnaryOpCode.sigmoid: return 1 / (1 + Math.exp(-x));
    case UnaryOpCode.relu: return x > 0 ? x : 0;
    case UnaryOpCode.erf: return erf(x);
    case UnaryOpCode.floor: return Math.floor(x);
    case UnaryOpCode.ceil: return Math.ceil(x);
    case UnaryOpCode.round: return nearest<f64>(x); // round half to even, as torch.round
    default: return unreachable();
  }
}

@inline function unaryVector(op: i32, x: v128): v128 {
  const zero = f32x4.splat(0);
  switch (op) {
    case UnaryOpCode.neg: return f32x4.neg(x);
    case UnaryOpCode.sqrt: return f32x4.sqrt(x);
    case UnaryOpCode.reciprocal: return f32x4.div(f32x4.splat(1), x);
    case UnaryOpCode.abs: return f32x4.abs(x);
    case UnaryOpCode.relu: return v128.bitselect(x, zero, f32x4.gt(x, zero));
    case UnaryOpCode.floor: return f32x4.floor(x);
    case UnaryOpCode.ceil: return f32x4.ceil(x);
    default: return f32x4.nearest(x); // UnaryOpCode.round, the last op hasUnaryVectorPath admits
  }
}

/** The unary ops with an f32x4 path: exact in f32, so the vector and the scalar loops agree. */
@inline function hasUnaryVectorPath(op: i32): bool {
  return op == UnaryOpCode.neg || op == UnaryOpCode.sqrt || op == UnaryOpCode.reciprocal || op == UnaryOpCode.abs || op == UnaryOpCode.relu ||
    op == UnaryOpCode.floor || op == UnaryOpCode.ceil || op == UnaryOpCode.round;
}

/** The f32x4 part of a contiguous row; returns the elements done (a multiple of 4). */
@inline function unaryVectorLoop(op: i32, x: usize, y: usize, count: i32): i32 {
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(y + (<usize>i << 2), unaryVector(op, v128.load(x + (<usize>i << 2))));
  return i;
}

export function unaryF32(op: i32, x: usize, xStep: i32, y: usize, yStep: i32, count: i32): void {
  let i = 0;
  if (hasUnaryVectorPath(op) && xStep == 1 && yStep == 1) {
    // One loop per op: with the op a constant, unaryVector's switch leaves the loop (it cost as much as the op).
    switch (op) {
      case UnaryOpCode.neg: i = unaryVectorLoop(UnaryOpCode.neg, x, y, count); break;
      case UnaryOpCode.sqrt: i = unaryVectorLoop(UnaryOpCode.sqrt, x, y, count); break;
      case UnaryOpCode.reciprocal: i = unaryVectorLoop(UnaryOpCode.reciprocal, x, y, count); break;
      case UnaryOpCode.abs: i = unaryVectorLoop(UnaryOpCode.abs, x, y, count); break;
      case UnaryOpCode.relu: i = unaryVectorLoop(UnaryOpCode.relu, x, y, count); break;
      case UnaryOpCode.floor: i = unaryVectorLoop(UnaryOpCode.floor, x, y, count); break;
      case UnaryOpCode.ceil: i = unaryVectorLoop(UnaryOpCode.ceil, x, y, count); break;
      default: i = unaryVectorLoop(UnaryOpCode.round, x, y, count);
    }
  }
  for (; i < count; i++) {
    const value = <f64>load<f32>(x + (<usize>(i * xStep) << 2));
    store<f32>(y + (<usize>(i * yStep) << 2), <f32>unaryScalar(op, value));
  }
}

function binaryScalar(op: i32, a: f64, b: f64): f64 {
  switch (op) {
    case BinaryOpCode.add: return a + b;
    case BinaryOpCode.sub: return a - b;
    case BinaryOpCode.mul: return a * b;
    case BinaryOpCode.div: return a / b;
    case BinaryOpCode.pow: return Math.pow(a, b);
    case BinaryOpCode.maximum: return a != a || b != b ? NaN : a > b ? a : b;
    case BinaryOpCode.minimum: return a != a || b != b ? NaN : a < b ? a : b;
    case BinaryOpCode.less: return a < b ? 1 : 0;
    case BinaryOpCode.lessEqual: return a <= b ? 1 : 0;
    case BinaryOpCode.greater: return a > b ? 1 : 0;
    case BinaryOpCode.greaterEqual: return a >= b ? 1 : 0;
    case BinaryOpCode.equal: return a == b ? 1 : 0;
    case BinaryOpCode.notEqual: return a != b ? 1 : 0;
    case BinaryOpCode.logicalAnd: return a != 0 && b != 0 ? 1 : 0;
    case BinaryOpCode.logicalOr: return a != 0 || b != 0 ? 1 : 0;
    default: return unreachable();
  }
}

/** Comparisons and logical ops write bool bytes (core's boolResultOps); the rest write float32. */
@inline function writesBool(op: i32): bool {
  return op == BinaryOpCode.less || op == BinaryOpCode.lessEqual || op == BinaryOpCode.greater || op == BinaryOpCode.greaterEqual || op == BinaryOpCode.equal ||
    op == BinaryOpCode.notEqual || op == BinaryOpCode.logicalAnd || op == BinaryOpCode.logicalOr;
}

/** The binary ops with an f32x4 path. */
@inline function hasBinaryVectorPath(op: i32): bool {
  return op == BinaryOpCode.add || op == BinaryOpCode.sub || op == BinaryOpCode.mul || op == BinaryOpCode.div || op == BinaryOpCode.maximum || op == BinaryOpCode.minimum;
}

@inline function binaryVector(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case BinaryOpCode.add: return f32x4.add(a, b);
    case BinaryOpCode.sub: return f32x4.sub(a, b);
    case BinaryOpCode.mul: return f32x4.mul(a, b);
    case BinaryOpCode.div: return f32x4.div(a, b);
    case BinaryOpCode.maximum: return propagateNaN(a, b, v128.bitselect(a, b, f32x4.gt(a, b)));
    // BinaryOpCode.minimum, the last op hasBinaryVectorPath admits
    default: return propagateNaN(a, b, v128.bitselect(a, b, f32x4.lt(a, b)));
  }
}

/**
 * The scalar rule of maximum and minimum, lane-wise: the canonical NaN where either side is NaN, else the comparison's
 * pick, so a (+0, -0) tie returns b as binaryScalar and the cpu reference do. f32x4.max/min would order -0 below +0,
 * and an element's result would then depend on whether it fell in the vector part of a row or in its tail.
 */
@inline function propagateNaN(a: v128, b: v128, picked: v128): v128 {
  return v128.bitselect(f32x4.splat(<f32>NaN), picked, v128.or(f32x4.ne(a, a), f32x4.ne(b, b)));
}

/** The f32x4 part of a row into a contiguous y, a and b contiguous (step 1) or splat (step 0); returns elements done. */
@inline function binaryVectorLoop(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, y: usize, count: i32): i32 {
  let i = 0;
  if (aStep == 1 && bStep == 1) {
    for (; i + 4 <= count; i += 4) {
      const offset = <usize>i << 2;
      v128.store(y + offset, binaryVector(op, v128.load(a + offset), v128.load(b + offset)));
    }
    return i;
  }
  const aSplat = v128.load32_splat(a), bSplat = v128.load32_splat(b);
  for (; i + 4 <= count; i += 4) {
    const offset = <usize>i << 2;
    const left = aStep == 1 ? v128.load(a + offset) : aSplat;
    const right = bStep == 1 ? v128.load(b + offset) : bSplat;
    v128.store(y + offset, binaryVector(op, left, right));
  }
  return i;
}

/** a and b are float32 rows with steps in elements (0 = broadcast); comparisons and logical ops write bool bytes to y. */
export function binaryF32(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, y: usize, yStep: i32, count: i32): void {
  let i = 0;
  if (hasBinaryVectorPath(op) && yStep == 1 && (aStep == 1 || aStep == 0) && (bStep == 1 || bStep == 0)) {
    // One loop per op, as in unaryF32.
    switch (op) {
      case BinaryOpCode.add: i = binaryVectorLoop(BinaryOpCode.add, a, aStep, b, bStep, y, count); break;
      case BinaryOpCode.sub: i = binaryVectorLoop(BinaryOpCode.sub, a, aStep, b, bStep, y, count); break;
      case BinaryOpCode.mul: i = binaryVectorLoop(BinaryOpCode.mul, a, aStep, b, bStep, y, count); break;
      case BinaryOpCode.div: i = binaryVectorLoop(BinaryOpCode.div, a, aStep, b, bStep, y, count); break;
      case BinaryOpCode.maximum: i = binaryVectorLoop(BinaryOpCode.maximum, a, aStep, b, bStep, y, count); break;
      default: i = binaryVectorLoop(BinaryOpCode.minimum, a, aStep, b, bStep, y, count);
    }
  }
  const boolResult = writesBool(op);
  for (; i < count; i++) {
    const value = binaryScalar(op, <f64>load<f32>(a + (<usize>(i * aStep) << 2)), <f64>load<f32>(b + (<usize>(i * bStep) << 2)));
    if (boolResult) store<u8>(y + <usize>(i * yStep), <u8>value);
    else store<f32>(y + (<usize>(i * yStep) << 2), <f32>value);
  }
}

/** condition is bool bytes; a, b and y float32. */
export function whereF32(condition: usize, cStep: i32, a: usize, aStep: i32, b: usize, bStep: i32, y: usize, yStep: i32,
  count: i32): void {
  for (let i = 0; i < count; i++) {
    const source = load<u8>(condition + <usize>(i * cStep)) != 0 ? a + (<usize>(i * aStep) << 2) : b + (<usize>(i * bStep) << 2);
    store<f32>(y + (<usize>(i * yStep) << 2), load<f32>(source));
  }
}

export function copyF32(x: usize, xStep: i32, y: usize, yStep: i32, count: i32): void {
  if (xStep == 1 && yStep == 1) {
    memory.copy(y, x, <usize>count << 2);
    return;
  }
  for (let i = 0; i < count; i++) store<f32>(y + (<usize>(i * yStep) << 2), load<f32>(x + (<usize>(i * xStep) << 2)));
}

export function fillF32(y: usize, yStep: i32, count: i32, value: f32): void {
  let i = 0;
  if (yStep == 1) {
    const splat = f32x4.splat(value);
    for (; i + 4 <= count; i += 4) v128.store(y + (<usize>i << 2), splat);
  }
  for (; i < count; i++) store<f32>(y + (<usize>(i * yStep) << 2), value);
}

/** Zero-fills [start, start + bytes) in chunks of `chunkBytes`: large recycled blocks are cleared by the whole pool. */
export function zeroTask(chunk: i32, thread: i32, args: usize): void {
  const start = Zero.start(args), bytes = Zero.bytes(args), chunkBytes = Zero.chunkBytes(args);
  const from = <usize>chunk * chunkBytes;
  const to = from + chunkBytes < bytes ? from + chunkBytes : bytes;
  memory.fill(start + from, 0, to - from);
}

/** memory.fill: V8's TypedArray.fill on a SharedArrayBuffer is many times slower than this memset. */
export function zero(start: usize, bytes: usize): void {
  memory.fill(start, 0, bytes);
}
