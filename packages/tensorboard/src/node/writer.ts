import { SummaryWriter as MemorySummaryWriter, type SummaryWriterOptions } from '../writer.js';
import { fileSink } from './file-sink.js';

/**
 * The SummaryWriter of '@lantern/tensorboard/node': the same class, writing event files to disk unless another sink
 * is given, so `new SummaryWriter()` writes to `runs/<date>_<host>` as torch's does.
 * @example
 * const writer = new SummaryWriter(); // runs/Dec05_14-03-12_my-laptop/events.out.tfevents.…
 * writer.addScalar('loss', 0.25, 1);
 * writer.close(); // then: tensorboard --logdir runs
 */
export class SummaryWriter extends MemorySummaryWriter {
  constructor(logDirOrOptions?: string | SummaryWriterOptions, options: SummaryWriterOptions = {}) {
    if (typeof logDirOrOptions === 'object') super({ ...logDirOrOptions, sink: logDirOrOptions.sink ?? fileSink() });
    else super(logDirOrOptions, { ...options, sink: options.sink ?? fileSink() });
  }
}
