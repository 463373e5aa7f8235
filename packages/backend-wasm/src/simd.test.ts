import { registerCpuBackend } from '@lantern/backend-cpu';
import { BackendError, conv2d, registerBackend, type Tensor, tensor, zeros } from '@lantern/tensor';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createWasmBackend } from './backend.js';
import { createContext } from './context.js';
import { kernelModulesBase64 } from './generated/kernels-wasm.gen.js';
import { getSimdVariant, RelaxedSimdUnavailableError, registerWasmBackend } from './index.js';
import { wasmFastKernels } from './register-all.js';
import { chooseSimdVariant, relaxedSimdProbe, relaxedSimdSupported } from './simd.js';

await registerCpuBackend();
await registerWasmBackend();

// A second backend over the SIMD128 build, in the same program as 'wasm' (which simd 'auto' made relaxed): the
// package registers one backend per program, but its parts can make a second one for comparing the builds.
const simd128Context = await createContext('simd128');
registerBackend(createWasmBackend(simd128Context, 'wasm-simd128'), wasmFastKernels(simd128Context));
afterAll(() => simd128Context.pool.terminate());

describe('relaxed-SIMD detection', () => {
  afterEach(() => vi.restoreAllMocks());

  it('validates the probe on this engine (Node 22+ ships relaxed SIMD), and only because of its relaxed instruction', () => {
    expect(relaxedSimdSupported()).toBe(true);
    // The same framing with the body `f32x4.add(f32x4.mul(x, x), x)`: plain SIMD128, so the framing is sound.
    const sections = Array.from(relaxedSimdProbe.slice(0, 20));
    const body = [0x00, 0x20, 0x00, 0x20, 0x00, 0xfd, 0xe6, 0x01, 0x20, 0x00, 0xfd, 0xe4, 0x01, 0x0b];
    expect(WebAssembly.validate(new Uint8Array([...sections, 0x0a, body.length + 2, 0x01, body.length, ...body]))).toBe(true);
    // The probe with its opcode 0x105 (relaxed_madd) replaced by 0x1ff, which no proposal defines: rejected.
    const unknown = relaxedSimdProbe.slice();
    unknown.set([0xff, 0x03], unknown.length - 3);
    expect(WebAssembly.validate(unknown)).toBe(false);
  });

  it("picks relaxed for 'auto' where supported and simd128 elsewhere; a forced choice is kept or refused", () => {
    expect(chooseSimdVariant('auto', true)).toBe('relaxed');
    expect(chooseSimdVariant('auto', false)).toBe('simd128');
    expect(chooseSimdVariant('simd128', true)).toBe('simd128');
    expect(chooseSimdVariant('simd128', false)).toBe('simd128');
    expect(chooseSimdVariant('relaxed', true)).toBe('relaxed');
    expect(() => chooseSimdVariant('relaxed', false)).toThrow(RelaxedSimdUnavailableError);
    expect(() => chooseSimdVariant('relaxed', false)).toThrow(/simd 'relaxed' was requested.*simd: 'simd128'/);
    expect(() => chooseSimdVariant('fast' as 'auto', true)).toThrow(/simd must be 'auto', 'relaxed' or 'simd128', got "fast"/);
  });

  it("loads the relaxed build under 'auto' here, and names the build in use when another is asked for", async () => {
    expect(getSimdVariant()).toBe('relaxed');
    await expect(registerWasmBackend({ simd: 'relaxed' })).resolves.toBeDefined();
    await expect(registerWasmBackend({ simd: 'simd128' })).rejects.toThrow(
      /simd 'simd128' was requested, but the backend already runs the 'relaxed' kernels/,
    );
    await expect(registerWasmBackend({ simd: 'simd128' })).rejects.toBeInstanceOf(BackendError);
  });

  it("refuses simd 'relaxed' with a typed error where the engine lacks relaxed SIMD", async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    expect(relaxedSimdSupported()).toBe(false);
    await expect(registerWasmBackend({ simd: 'relaxed' })).rejects.toBeInstanceOf(RelaxedSimdUnavailableError);
    await expect(registerWasmBackend({ simd: 'auto' })).resolves.toBeDefined();
  });

  it('embeds two builds per memory, both valid here, that differ', () => {
    for (const memory of ['threaded', 'single'] as const) {
      const relaxed = kernelModulesBase64.relaxed[memory],
        simd128 = kernelModulesBase64.simd128[memory];
      expect(relaxed).not.toBe(simd128);
      for (const text of [relaxed, simd128])
        expect(WebAssembly.validate(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)))).toBe(true);
    }
  });
});

// a·b + c where a·b = 1 + 2⁻¹¹ + 2⁻²⁴ needs 24 fraction bits: rounded on its own (SIMD128's multiply, then add) it loses
// the 2⁻²⁴, which c = -(1 + 2⁻¹¹) then cancels to 0; fused (one rounding) the sum is exactly 2⁻²⁴. V8 lowers
// relaxed_madd to an FMA instruction on x86-64 with FMA3 (every x86 CPU since 2013) and on arm64.
const a = 1 + 2 ** -12,
  c = -(1 + 2 ** -11),
  fused = 2 ** -24;

/** `compute` on the relaxed build ('wasm') and on the SIMD128 one ('wasm-simd128'), read back. */
function productOnBothBuilds(compute: (backend: string) => Tensor): { relaxed: number[]; simd128: number[] } {
  return { relaxed: Array.from(compute('wasm').dataSync()), simd128: Array.from(compute('wasm-simd128').dataSync()) };
}

describe('the relaxed build fuses the multiply-adds that do the FLOPs, and the SIMD128 build does not', () => {
  it.each([
    // [m, k, n, the layout of B]: each takes a different path of assembly/gemm.ts.
    ['the 4×8 tile', 4, 5, 8, 'plain'],
    ['outer products (k ≤ 4)', 4, 2, 8, 'plain'],
    ['dot products (B transposed)', 2, 32, 3, 'transposed'],
  ] as const)('matmul through %s', (_, m, k, n, layout) => {
    // Row i of A is [c, 0, …, a, 0, …], column j of B is [1, 0, …, a, 0, …]: the a·a term meets the running sum c.
    // The dot products sum 4 lanes, 16 k apart per lane, so there a sits 16 after c, in the same lane.
    const second = layout === 'transposed' ? 16 : 1;
    const aValues = Array.from({ length: m * k }, (_, index) => (index % k === 0 ? c : index % k === second ? a : 0));
    const bColumn = Array.from({ length: k }, (_, index) => (index === 0 ? 1 : index === second ? a : 0));
    const results = productOnBothBuilds((backend) => {
      const left = tensor(aValues).reshape([m, k]).to(backend);
      const right =
        layout === 'transposed'
          ? tensor(Array.from({ length: n }, () => bColumn).flat())
              .reshape([n, k])
              .to(backend)
              .t()
          : tensor(bColumn.flatMap((value) => Array(n).fill(value)))
              .reshape([k, n])
              .to(backend);
      return left.matmul(right);
    });
    expect(results.relaxed).toEqual(Array(m * n).fill(fused));
    expect(results.simd128).toEqual(Array(m * n).fill(0));
  });

  // 1×1 convolutions over 4 channels, so that each sum meets c first and a·a second; `pattern` sets one of each pair.
  const pattern = (first: number, second: number, shape: number[]) =>
    zeros(shape).add(tensor([first, second, 0, 0]).reshape(shape.length === 4 ? [1, 4, 1, 1] : [4, 1]));
  const pixels = (first: number, second: number) => tensor([first, second, ...Array(62).fill(0)]).reshape([1, 1, 8, 8]);

  it('conv2d forward: Σ over input channels', () => {
    const results = productOnBothBuilds((backend) =>
      conv2d(
        pattern(c, a, [1, 4, 8, 8]).to(backend),
        pattern(1, a, [4, 4]).t().reshape([4, 4, 1, 1]).contiguous().to(backend),
        null,
      ),
    );
    expect(results.relaxed).toEqual(Array(4 * 64).fill(fused));
    expect(results.simd128).toEqual(Array(4 * 64).fill(0));
  });

  it('conv2d input gradient: Σ over output channels', () => {
    const results = productOnBothBuilds((backend) => {
      const input = zeros([1, 4, 8, 8]).to(backend).requiresGrad_();
      const weight = pattern(1, a, [4, 4]).reshape([4, 4, 1, 1]).contiguous().to(backend);
      conv2d(input, weight, null).backward(pattern(c, a, [1, 4, 8, 8]).to(backend));
      return input.grad!;
    });
    expect(results.relaxed).toEqual(Array(4 * 64).fill(fused));
    expect(results.simd128).toEqual(Array(4 * 64).fill(0));
  });

  it('conv2d weight gradient: Σ over pixels', () => {
    const results = productOnBothBuilds((backend) => {
      const weight = zeros([4, 4, 1, 1]).to(backend).requiresGrad_();
      const input = pixels(c, a).expand([1, 4, 8, 8]).contiguous().to(backend);
      conv2d(input, weight, null).backward(pixels(1, a).expand([1, 4, 8, 8]).contiguous().to(backend));
      return weight.grad!;
    });
    expect(results.relaxed).toEqual(Array(16).fill(fused));
    expect(results.simd128).toEqual(Array(16).fill(0));
  });
});
