/**
 * A strided matrix: element (row, column) is data[offset + row * rowStride + column * columnStride]. Transposes are
 * free: swap the strides.
 */
export interface MatrixView {
  readonly data: ArrayLike<number>;
  readonly offset: number;
  readonly rowStride: number;
  readonly columnStride: number;
}

/** The typed arrays GEMM writes into. */
export type OutputArray = Float32Array | Float64Array | Int32Array;

const panel = 4;
let scratchA = new Float64Array(0);
let scratchB = new Float64Array(0);

// Copies a matrix into panels of 4 rows (or columns), k-major inside each panel, zero-padded to a multiple of 4:
// the micro-kernel then reads both operands sequentially whatever their original strides.
function packPanels(
  into: Float64Array,
  source: MatrixView,
  outer: number,
  depth: number,
  outerStride: number,
  depthStride: number,
): void {
  const data = source.data;
  let at = 0;
  for (let start = 0; start < outer; start += panel) {
    const rows = Math.min(panel, outer - start);
    for (let d = 0; d < depth; d++) {
      const base = source.offset + d * depthStride + start * outerStride;
      for (let r = 0; r < panel; r++) into[at++] = r < rows ? data[base + r * outerStride]! : 0;
    }
  }
}

/**
 * C[m, n] (+)= A[m, k] · B[k, n] with a packed 4×4 register-blocked micro-kernel. Operands are packed into float64
 * panels, so float32 inputs accumulate in double before the single rounding on store.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  c: OutputArray,
  cOffset: number,
  cRowStride: number,
  accumulate: boolean,
): void {
  const panelsM = Math.ceil(m / panel),
    panelsN = Math.ceil(n / panel);
  if (scratchA.length < panelsM * panel * k) scratchA = new Float64Array(panelsM * panel * k);
  if (scratchB.length < panelsN * panel * k) scratchB = new Float64Array(panelsN * panel * k);
  const packedA = scratchA,
    packedB = scratchB;
  packPanels(packedA, a, m, k, a.rowStride, a.columnStride);
  packPanels(packedB, b, n, k, b.columnStride, b.rowStride);
  for (let jp = 0; jp < panelsN; jp++) {
    const bBase = jp * panel * k;
    const j0 = jp * panel,
      columns = Math.min(panel, n - j0);
    for (let ip = 0; ip < panelsM; ip++) {
      const aBase = ip * panel * k;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let d = 0, pa = aBase, pb = bBase; d < k; d++, pa += 4, pb += 4) {
        const a0 = packedA[pa]!,
          a1 = packedA[pa + 1]!,
          a2 = packedA[pa + 2]!,
          a3 = packedA[pa + 3]!;
        const b0 = packedB[pb]!,
          b1 = packedB[pb + 1]!,
          b2 = packedB[pb + 2]!,
          b3 = packedB[pb + 3]!;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      const i0 = ip * panel,
        rows = Math.min(panel, m - i0);
      const base = cOffset + i0 * cRowStride + j0;
      if (rows === 4 && columns === 4 && !accumulate) {
        let at = base;
        c[at] = c00;
        c[at + 1] = c01;
        c[at + 2] = c02;
        c[at + 3] = c03;
        at += cRowStride;
        c[at] = c10;
        c[at + 1] = c11;
        c[at + 2] = c12;
        c[at + 3] = c13;
        at += cRowStride;
        c[at] = c20;
        c[at + 1] = c21;
        c[at + 2] = c22;
        c[at + 3] = c23;
        at += cRowStride;
        c[at] = c30;
        c[at + 1] = c31;
        c[at + 2] = c32;
        c[at + 3] = c33;
        continue;
      }
      const block = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
      for (let r = 0; r < rows; r++) {
        for (let column = 0; column < columns; column++) {
          const at = base + r * cRowStride + column;
          c[at] = accumulate ? c[at]! + block[r * 4 + column]! : block[r * 4 + column]!;
        }
      }
    }
  }
}
