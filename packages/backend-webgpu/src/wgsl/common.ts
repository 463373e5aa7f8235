/**
 * WGSL shared by the kernels. Shader compilers may assume floats are never NaN or infinite, so NaN and infinity are
 * made and tested through bit patterns here rather than by comparisons, and the functions whose WGSL builtins are
 * undefined or imprecise at the edges (log/sqrt of negatives, x/0, pow of negative bases, tanh) get explicit cases.
 */

export interface BindingDeclaration {
  readonly name: string;
  /** WGSL element type: f32, i32, u32 or atomic<u32>. */
  readonly type: string;
  readonly writable: boolean;
}

/** Storage bindings 0..n-1 in order, then the parameter words at binding n (as GpuContext.dispatch binds them). */
export function declareBindings(bindings: readonly BindingDeclaration[]): string {
  const lines = bindings.map(
    (binding, index) =>
      `@group(0) @binding(${index}) var<storage, ${binding.writable ? 'read_write' : 'read'}> ${binding.name}: array<${binding.type}>;`,
  );
  lines.push(`@group(0) @binding(${bindings.length}) var<storage, read> params: array<i32>;`);
  return lines.join('\n');
}

/** The entry point header: `index` is the linear invocation id across a 2-D grid of 1-D workgroups. */
export function entryPoint(workgroupSize: number): string {
  return `@compute @workgroup_size(${workgroupSize})
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) local: u32) {
  let workgroup = group.y * groups.x + group.x;
  let index = workgroup * ${workgroupSize}u + local;`;
}

/**
 * Offsets of `viewCount` strided views at a linear index of the (coalesced) output shape. Parameter layout from
 * layout.ts stridedParameters: [count, rank, extra0, extra1, extents..., per view: offset, strides...].
 */
export function stridedOffsets(viewCount: number): string {
  return `fn stridedOffsets(index: u32) -> array<i32, ${viewCount}> {
  let rank = u32(params[1]);
  var result: array<i32, ${viewCount}>;
  for (var view = 0u; view < ${viewCount}u; view++) { result[view] = params[4u + rank + view * (rank + 1u)]; }
  var remaining = index;
  for (var axis = i32(rank) - 1; axis >= 0; axis--) {
    let extent = u32(params[4 + axis]);
    let coordinate = i32(remaining % extent);
    remaining = remaining / extent;
    for (var view = 0u; view < ${viewCount}u; view++) {
      result[view] += coordinate * params[4u + rank + view * (rank + 1u) + 1u + u32(axis)];
    }
  }
  return result;
}`;
}

export const floatHelpers = /* wgsl */ `
fn nanValue() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn infValue() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
fn isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isInf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn signBit(x: f32) -> bool { return (bitcast<u32>(x) & 0x80000000u) != 0u; }
fn paramFloat(at: u32) -> f32 { return bitcast<f32>(params[at]); }

fn safeDiv(a: f32, b: f32) -> f32 {
  if (b == 0.0) {
    if (a == 0.0 || isNan(a)) { return nanValue(); }
    return select(infValue(), -infValue(), signBit(a) != signBit(b));
  }
  return a / b;
}
fn safeLog(x: f32) -> f32 {
  if (isNan(x) || x < 0.0) { return nanValue(); }
  if (x == 0.0) { return -infValue(); }
  if (isInf(x)) { return x; }
  return log(x);
}
fn safeSqrt(x: f32) -> f32 {
  if (isNan(x) || x < 0.0) { return nanValue(); }
  if (isInf(x) || x == 0.0) { return x; }
  return sqrt(x);
}
fn safeExp(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  if (x > 88.72284) { return infValue(); }
  if (x < -103.97208) { return 0.0; }
  return exp(x);
}
fn safeSigmoid(x: f32) -> f32 { return 1.0 / (1.0 + safeExp(-x)); }
fn floatSign(x: f32) -> f32 { return select(select(x, -1.0, x < 0.0), 1.0, x > 0.0); }
fn floatMaximum(a: f32, b: f32) -> f32 { return select(select(b, a, a > b), nanValue(), isNan(a) || isNan(b)); }
fn floatMinimum(a: f32, b: f32) -> f32 { return select(select(b, a, a < b), nanValue(), isNan(a) || isNan(b)); }

// Eigen's rational tanh (as XLA uses): a few ulp everywhere, where exp-based formulas lose digits near zero and
// overflow for large inputs.
fn safeTanh(x: f32) -> f32 {
  if (isNan(x) || abs(x) < 0.0004) { return x; }
  let c = clamp(x, -7.90531110763549805, 7.90531110763549805);
  let x2 = c * c;
  var p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = x2 * p - 8.60467152213735e-11;
  p = x2 * p + 5.12229709037114e-08;
  p = x2 * p + 1.48572235717979e-05;
  p = x2 * p + 6.37261928875436e-04;
  p = x2 * p + 4.89352455891786e-03;
  var q = x2 * 1.19825839466702e-06 + 1.18534705686654e-04;
  q = x2 * q + 2.26843463243900e-03;
  q = x2 * q + 4.89352518554385e-03;
  return clamp(c * p / q, -1.0, 1.0);
}

// The cpu backend's erf (Cody's erfc approximation) for |x| >= 0.5; below that its 1 - erfc form cancels, so a Taylor
// series keeps the relative error at float32 resolution.
fn safeErf(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  let z = abs(x);
  if (z < 0.5) {
    let x2 = x * x;
    return 1.1283791670955126 * x * (1.0 + x2 * (-0.3333333333 + x2 * (0.1 + x2 * (-0.0238095238 + x2 * (0.0046296296 + x2 * -0.0007575758)))));
  }
  let t = 1.0 / (1.0 + 0.5 * z);
  let y = 1.0 - t * safeExp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(-y, y, x >= 0.0);
}

// PyTorch's pow: integer exponents work on negative bases (by squaring, which is also exact for small powers where
// exp2(b * log2(a)) is not); 0^negative is inf; a non-integer power of a negative base is NaN.
fn safePow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isNan(a) || isNan(b)) { return nanValue(); }
  if (!isInf(b) && b == round(b) && abs(b) <= 64.0) {
    var exponent = u32(abs(b));
    var base = a;
    var result = 1.0;
    loop {
      if ((exponent & 1u) != 0u) { result = result * base; }
      exponent = exponent >> 1u;
      if (exponent == 0u) { break; }
      base = base * base;
    }
    return select(result, safeDiv(1.0, result), b < 0.0);
  }
  if (isInf(b)) {
    if (abs(a) == 1.0) { return 1.0; }
    return select(0.0, infValue(), (abs(a) > 1.0) == (b > 0.0));
  }
  if (a < 0.0) { return nanValue(); }
  if (a == 0.0) { return select(0.0, infValue(), b < 0.0); }
  if (isInf(a)) { return select(infValue(), 0.0, b < 0.0); }
  return exp2(b * log2(a));
}

// Integer pow with the cpu backend's rules for negative exponents (only 1 and -1 survive) and wrapping products.
fn integerPow(a: i32, b: i32) -> i32 {
  if (b < 0) { return select(select(0, select(1, -1, (b & 1) != 0), a == -1), 1, a == 1); }
  var exponent = u32(b);
  var base = a;
  var result = 1;
  loop {
    if (exponent == 0u) { break; }
    if ((exponent & 1u) != 0u) { result = result * base; }
    exponent = exponent >> 1u;
    base = base * base;
  }
  return result;
}
`;
