import { BackendError } from '@lantern/tensor';

/**
 * The instruction set of the compiled kernels. 'simd128' is fixed-width wasm SIMD, which every engine with wasm SIMD
 * runs; 'relaxed' adds relaxed SIMD, whose `f32x4.relaxed_madd` becomes one fused multiply-add (one rounding instead
 * of two) where the CPU has FMA, in the GEMM tiles that do the FLOPs of convolutions and matmuls.
 */
export type SimdVariant = 'relaxed' | 'simd128';

/** What `registerWasmBackend({ simd })` accepts: a variant, or 'auto' for relaxed where the engine validates it. */
export type SimdChoice = SimdVariant | 'auto';

/**
 * The smallest module that uses a relaxed-SIMD instruction: one function (v128) → v128 whose body is
 * `f32x4.relaxed_madd(x, x, x)`. An engine without relaxed SIMD rejects it at validation, so nothing is compiled to
 * find out (WebAssembly.validate is synchronous and cheap).
 */
// biome-ignore format: one line per part of the module, beside what its bytes encode.
export const relaxedSimdProbe: Uint8Array<ArrayBuffer> = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", binary format version 1
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7b, 0x01, 0x7b, // type section (6 bytes): one type, func (v128) → v128
  0x03, 0x02, 0x01, 0x00, // function section (2 bytes): one function, of type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, // code section (13 bytes): one body of 11 bytes, no locals
  0x20, 0x00, 0x20, 0x00, 0x20, 0x00, // local.get 0, three times
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd: the SIMD prefix 0xfd, then opcode 0x105 as LEB128
  0x0b, // end
]);

/** Whether this engine validates relaxed-SIMD modules (Node 22+, Chrome 114+; Node 20 only behind a flag). */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(relaxedSimdProbe);
  } catch {
    return false;
  }
}

/** `simd: 'relaxed'` asked of an engine that does not validate relaxed-SIMD modules. */
export class RelaxedSimdUnavailableError extends BackendError {
  constructor() {
    super(
      "wasm: simd 'relaxed' was requested, but this engine does not validate relaxed-SIMD modules " +
        '(Node 22+ and Chrome 114+ do; Node 20 needs --experimental-wasm-relaxed-simd); ' +
        "pass simd: 'auto' to fall back to the SIMD128 kernels, or simd: 'simd128' for them always",
    );
  }
}

const choices: readonly SimdChoice[] = ['auto', 'relaxed', 'simd128'];

/**
 * The variant to load for a requested choice: 'auto' takes relaxed where it is supported and SIMD128 otherwise;
 * 'relaxed' where it is not supported throws RelaxedSimdUnavailableError rather than quietly running the other one.
 */
export function chooseSimdVariant(requested: SimdChoice, supported: boolean): SimdVariant {
  if (!choices.includes(requested)) {
    throw new BackendError(`wasm: simd must be 'auto', 'relaxed' or 'simd128', got ${JSON.stringify(requested)}`);
  }
  if (requested === 'relaxed' && !supported) throw new RelaxedSimdUnavailableError();
  if (requested === 'auto') return supported ? 'relaxed' : 'simd128';
  return requested;
}
