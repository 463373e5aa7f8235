// float32 elementwise rows. JS (src/kernels/elementwise.ts) walks the strided views row by row and calls these with
// each row's element steps; contiguous rows (and rows against a broadcast scalar, step 0) take the f32x4 paths.
// Transcendentals are evaluated in f64 and rounded once, exactly as the cpu reference does.
// Op codes follow kernel-names.ts: unary neg 0 exp 1 log 2 sqrt 3 reciprocal 4 abs 5 sign 6 sin 7 cos 8 tanh 9
// sigmoid 10 relu 11 erf 12 floor 13 ceil 14 round 15; binary add 0 sub 1 mul 2 div 3 pow 4 maximum 5 minimum 6,
// then the comparisons less 7 … logicalOr 14, which write bool bytes.

function erf(x: f64): f64 {
  // W. J. Cody's rational approximation, the same formula as the cpu reference.
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : -y;
}

function unaryScalar(op: i32, x: f64): f64 {
  switch (op) {
    case 0: return -x;
    case 1: return Math.exp(x);
    case 2: return Math.log(x);
    case 3: return Math.sqrt(x);
    case 4: return 1 / x;
    case 5: return Math.abs(x);
    case 6: return x > 0 ? 1 : x < 0 ? -1 : x;
    case 7: return Math.sin(x);
    case 8: return Math.cos(x);
    case 9: return Math.tanh(x);
    case 10: return 1 / (1 + Math.exp(-x));
    case 11: return x > 0 ? x : 0;
    case 12: return erf(x);
    case 13: return Math.floor(x);
    case 14: return Math.ceil(x);
    default: return nearest<f64>(x); // round half to even, as torch.round
  }
}

@inline function unaryVector(op: i32, x: v128): v128 {
  const zero = f32x4.splat(0);
  switch (op) {
    case 0: return f32x4.neg(x);
    case 3: return f32x4.sqrt(x);
    case 4: return f32x4.div(f32x4.splat(1), x);
    case 5: return f32x4.abs(x);
    case 11: return v128.bitselect(x, zero, f32x4.gt(x, zero));
    case 13: return f32x4.floor(x);
    case 14: return f32x4.ceil(x);
    default: return f32x4.nearest(x);
  }
}

export function unaryF32(op: i32, x: usize, xStep: i32, y: usize, yStep: i32, count: i32): void {
  let i = 0;
  const vectorOp = op == 0 || op == 3 || op == 4 || op == 5 || op == 11 || op == 13 || op == 14 || op == 15;
  if (vectorOp && xStep == 1 && yStep == 1) {
    for (; i + 4 <= count; i += 4) v128.store(y + (<usize>i << 2), unaryVector(op, v128.load(x + (<usize>i << 2))));
  }
  for (; i < count; i++) {
    const value = <f64>load<f32>(x + (<usize>(i * xStep) << 2));
    store<f32>(y + (<usize>(i * yStep) << 2), <f32>unaryScalar(op, value));
  }
}

function binaryScalar(op: i32, a: f64, b: f64): f64 {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return Math.pow(a, b);
    case 5: return a != a || b != b ? NaN : a > b ? a : b;
    case 6: return a != a || b != b ? NaN : a < b ? a : b;
    case 7: return a < b ? 1 : 0;
    case 8: return a <= b ? 1 : 0;
    case 9: return a > b ? 1 : 0;
    case 10: return a >= b ? 1 : 0;
    case 11: return a == b ? 1 : 0;
    case 12: return a != b ? 1 : 0;
    case 13: return a != 0 && b != 0 ? 1 : 0;
    default: return a != 0 || b != 0 ? 1 : 0;
  }
}

@inline function binaryVector(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case 0: return f32x4.add(a, b);
    case 1: return f32x4.sub(a, b);
    case 2: return f32x4.mul(a, b);
    case 3: return f32x4.div(a, b);
    case 5: return f32x4.max(a, b);
    default: return f32x4.min(a, b);
  }
}

/** a and b are float32 rows with steps in elements (0 = broadcast); ops 7 and up write bool bytes to y. */
export function binaryF32(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, y: usize, yStep: i32, count: i32): void {
  let i = 0;
  const vectorOp = op <= 3 || op == 5 || op == 6;
  if (vectorOp && yStep == 1 && (aStep == 1 || aStep == 0) && (bStep == 1 || bStep == 0)) {
    const aSplat = v128.load32_splat(a), bSplat = v128.load32_splat(b);
    for (; i + 4 <= count; i += 4) {
      const offset = <usize>i << 2;
      const left = aStep == 1 ? v128.load(a + offset) : aSplat;
      const right = bStep == 1 ? v128.load(b + offset) : bSplat;
      v128.store(y + offset, binaryVector(op, left, right));
    }
  }
  const boolResult = op >= 7;
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
  const start = <usize>load<u32>(args), bytes = <usize>load<u32>(args, 4), chunkBytes = <usize>load<u32>(args, 8);
  const from = <usize>chunk * chunkBytes;
  const to = from + chunkBytes < bytes ? from + chunkBytes : bytes;
  memory.fill(start + from, 0, to - from);
}

/** memory.fill: V8's TypedArray.fill on a SharedArrayBuffer is many times slower than this memset. */
export function zero(start: usize, bytes: usize): void {
  memory.fill(start, 0, bytes);
}
