/**
 * The shape of the bridge's one declaration (task-table.ts): every parallel task of the module, with its arguments
 * named and typed in slot order. scripts/build-wasm.mjs generates from it both sides of the boundary: the
 * AssemblyScript readers each task reads its arguments through (assembly/generated/bridge.gen.ts) and the typed
 * TypeScript callers that write them and dispatch the task (src/generated/bridge.gen.ts).
 *
 * Plain data in erasable TypeScript: the build loads it through esbuild (scripts/bridge-build.mjs), no compiler needed.
 */

/**
 * How an argument travels:
 * - `int`: an i32 slot (counts, sizes, strides in elements);
 * - `address`: an i32 slot read as usize (a byte address in linear memory, or a byte count);
 * - `flag`: an i32 slot holding 0 or 1, a boolean on both sides;
 * - `real`: an f64 slot.
 */
export type ArgumentKind = 'int' | 'address' | 'flag' | 'real';

/** One argument: its name (an identifier on both sides), how it travels, and what it means. */
export type ArgumentDeclaration = readonly [name: string, kind: ArgumentKind, meaning: string];

/**
 * The arguments one or more tasks read, in slot order: i32 slots (int, address, flag) and f64 slots (real) are
 * numbered separately, each from 0.
 */
export interface TaskSignature {
  /** PascalCase: the AssemblyScript namespace of readers and the TypeScript `<name>Arguments` interface. */
  readonly name: string;
  /** The file under assembly/ (without `.ts`) that defines the tasks; the build exports them from the module. */
  readonly module: string;
  /** The exported `(chunk, thread, args) → void` functions that take these arguments; each gets a `run<Task>` caller. */
  readonly tasks: readonly string[];
  /** What one chunk of the task does (the doc comment on both sides). */
  readonly description: string;
  readonly arguments: readonly ArgumentDeclaration[];
}

/** The argument block in linear memory: 64 i32 slots (256 bytes), then 16 f64 slots. */
export const intSlots = 64;
export const realSlots = 16;
export const realsOffset = intSlots * 4;
export const argumentBytes = realsOffset + realSlots * 8;

/** Per-thread scratch, as the tasks that need it take it: thread t uses scratch + t · scratchStride. */
export const threadScratch: readonly ArgumentDeclaration[] = [
  ['scratch', 'address', 'scratch of thread 0'],
  ['scratchStride', 'address', 'bytes from the scratch of one thread to the next'],
];
