// The module's exports. Tasks ((chunk, thread, args) → void) are run by the thread pool; the rest are called directly
// from the main thread. The task list order is mirrored in src/tasks.ts.
export { padTask } from './pad';
export { probeTask } from './probe';
export { convForwardTask, transposeWeightsTask } from './conv-forward';
export { convBackwardInputTask } from './conv-backward-input';
export { packGradOutputTask, convBackwardWeightTask } from './conv-backward-weight';
export { matmulTask } from './gemm';
export { winogradWeightsTask, winogradInputTask, winogradTask } from './winograd';
export {
  winogradGradientTask, winogradGradientTransformTask, winogradGradientProductTask, winogradGradientFinishTask,
} from './winograd-weight-gradient';
export { maxPoolTask, maxPoolBackwardTask } from './pool';
export { sgdTask, adamTask } from './optimizer-updates';
export { unaryF32, binaryF32, whereF32, copyF32, fillF32, zeroTask, zero } from './elementwise';
export { sumRowF32, accumulateRowF32, extremeRowF32, fillF64, storeF64AsF32 } from './reduce';
export { softmaxCrossEntropyF32 } from './softmax-cross-entropy';

/** First byte past the module's static data (math tables): the JS allocator starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
