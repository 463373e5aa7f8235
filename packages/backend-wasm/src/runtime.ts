import { BackendError } from '@lantern/tensor';
import { kernelModulesBase64 } from './generated/kernels-wasm.gen.js';
import type { SimdVariant } from './simd.js';

/** The compiled kernels' exports (assembly/index.ts). Addresses are byte offsets into linear memory. */
export interface KernelExports {
  heapBase(): number;
  zero(address: number, bytes: number): void;
  unaryF32(op: number, x: number, xStep: number, y: number, yStep: number, count: number): void;
  binaryF32(op: number, a: number, aStep: number, b: number, bStep: number, y: number, yStep: number, count: number): void;
  whereF32(
    condition: number,
    cStep: number,
    a: number,
    aStep: number,
    b: number,
    bStep: number,
    y: number,
    yStep: number,
    count: number,
  ): void;
  copyF32(x: number, xStep: number, y: number, yStep: number, count: number): void;
  fillF32(y: number, yStep: number, count: number, value: number): void;
  sumRowF32(x: number, step: number, count: number): number;
  sumAcrossF32(input: number, output: number, totals: number, outer: number, middle: number, inner: number): void;
  accumulateRowF32(accumulator: number, accumulatorStep: number, x: number, step: number, count: number): void;
  extremeRowF32(isMax: number, accumulator: number, accumulatorStep: number, x: number, step: number, count: number): void;
  fillF64(y: number, count: number, value: number): void;
  storeF64AsF32(source: number, y: number, yStep: number, count: number): void;
  softmaxCrossEntropyF32(
    logits: number,
    targets: number,
    losses: number,
    probabilities: number,
    rows: number,
    classes: number,
  ): number;
  // `undefined` here would reject the exports above that return nothing.
  // biome-ignore lint/suspicious/noConfusingVoidType: a wasm export returns a number or nothing.
  [task: string]: (...args: number[]) => number | void;
}

/** Pages of 64 KiB; the modules declare 64 initial and 65536 (4 GiB) maximum. */
const initialPages = 64;
const maximumPages = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// Synchronous compilation is the quickest where it is allowed; browsers refuse it for large modules on their main
// thread, which then compile asynchronously.
async function compileModule(bytes: Uint8Array<ArrayBuffer>): Promise<WebAssembly.Module> {
  try {
    return new WebAssembly.Module(bytes);
  } catch (error) {
    if (error instanceof RangeError) return WebAssembly.compile(bytes);
    throw error;
  }
}

function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/**
 * One instance of the kernels over one linear memory, plus typed views of that memory. Growing the memory replaces
 * its ArrayBuffer, so the views are re-created after every growth (only the allocator grows it).
 */
export class WasmRuntime {
  u8!: Uint8Array;
  i32!: Int32Array;
  f32!: Float32Array;
  f64!: Float64Array;

  private constructor(
    readonly module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
    readonly exports: KernelExports,
    readonly shared: boolean,
    readonly simdVariant: SimdVariant,
  ) {
    this.refreshViews();
  }

  /** Compiles the `simdVariant` build of the kernels (see chooseSimdVariant) over a shared memory where there is one. */
  static async create(simdVariant: SimdVariant): Promise<WasmRuntime> {
    const shared = sharedMemoryAvailable();
    const modules = kernelModulesBase64[simdVariant];
    const module = await compileModule(decodeBase64(shared ? modules.threaded : modules.single));
    const memory = new WebAssembly.Memory({
      initial: initialPages,
      maximum: maximumPages,
      shared,
    } as WebAssembly.MemoryDescriptor);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new WasmRuntime(module, memory, instance.exports as unknown as KernelExports, shared, simdVariant);
  }

  get byteLength(): number {
    return this.u8.byteLength;
  }

  /** Grows linear memory to at least `bytes`, by at least half its size so growth stays rare. */
  ensureCapacity(bytes: number): void {
    const current = this.memory.buffer.byteLength;
    if (bytes <= current) return;
    const pageBytes = 65536;
    const currentPages = current / pageBytes;
    const neededPages = Math.ceil(bytes / pageBytes);
    const targetPages = Math.min(maximumPages, Math.max(neededPages, currentPages + (currentPages >> 1)));
    if (neededPages > maximumPages) {
      throw new BackendError(`wasm: out of memory: ${bytes} bytes requested, linear memory is limited to 4 GiB`);
    }
    try {
      this.memory.grow(targetPages - currentPages);
    } catch {
      throw new BackendError(`wasm: could not grow linear memory from ${current} to ${targetPages * pageBytes} bytes`);
    }
    this.refreshViews();
  }

  private refreshViews(): void {
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }
}
