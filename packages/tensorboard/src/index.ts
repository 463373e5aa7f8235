/**
 * @lantern/tensorboard: PyTorch's SummaryWriter, writing TensorBoard event files with no TensorFlow. This entry is
 * browser-safe (no node: imports): its SummaryWriter writes to memory unless given a sink, and the files are read
 * back with `eventFileBytes()` or the sink's `files()`. '@lantern/tensorboard/node' writes them to disk.
 */

export { TensorBoardError } from './errors.js';
export { defaultLogDir } from './log-dir.js';
export {
  type EventFileHandle,
  type EventSink,
  type MemoryFile,
  type MemorySink,
  type MemorySinkOptions,
  memorySink,
} from './sink.js';
export { defaultHistogramBins, type HistogramBins } from './summary/histogram.js';
export type { HparamValue } from './summary/hparams.js';
export type { NumericValues, ScalarValue, ShapedValues } from './values.js';
export { type HparamsOptions, type ImageOptions, SummaryWriter, type SummaryWriterOptions } from './writer.js';
