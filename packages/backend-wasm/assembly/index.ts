// The module's exports. Tasks ((chunk, thread, args) → void) are run by the thread pool, which finds them by the names
// declared in src/bridge/task-table.ts; the build exports each from the file the table names (generated/tasks.gen.ts).
// The rest are called directly from the main thread.
export * from './generated/tasks.gen'; // every task of the table, from the file that defines it
export { unaryF32, binaryF32, whereF32, copyF32, fillF32, zero } from './elementwise';
export { sumRowF32, accumulateRowF32, extremeRowF32, fillF64, storeF64AsF32, sumAcrossF32 } from './reduce';
export { softmaxCrossEntropyF32 } from './softmax-cross-entropy';

/** First byte past the module's static data (math tables): the JS allocator starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
