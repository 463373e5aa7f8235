import { type EventFileOptions, EventFileWriter, secondsNow, withStep } from './event-file.js';
import { defaultLogDir } from './log-dir.js';
import { SessionLog_SessionStatus, type SummaryInit } from './proto/messages.js';
import { type EventSink, joinPath, memorySink } from './sink.js';
import { type HistogramBins, makeHistogram } from './summary/histogram.js';
import { type HparamValue, hparamsSummaries } from './summary/hparams.js';
import { makeImage } from './summary/image.js';
import { scalarSummary, textSummary } from './summary/text.js';
import { flatValues, type NumericValues, type ScalarValue, type ShapedValues, scalarValue } from './values.js';

export interface SummaryWriterOptions {
  /** Where event files go. Default: files on disk from '@lantern/tensorboard/node', memory from the main entry. */
  sink?: EventSink;
  /** Appended to the default log directory's name (ignored when a log directory is given). */
  comment?: string;
  /** Resuming a crashed run at this step: TensorBoard hides the events at or after it from the earlier files. */
  purgeStep?: number;
  /** Pending events that force a write (default 10). */
  maxQueue?: number;
  /** Seconds after which the next event forces a write of everything pending (default 120). */
  flushSecs?: number;
  /** Appended to every event file's name (default ''). */
  filenameSuffix?: string;
}

export interface ImageOptions {
  /** The order of the image's dimensions: 'CHW' by default for addImage, 'NCHW' for addImages (also HWC, HW, NHWC…). */
  dataformats?: string;
  /** Seconds since the epoch (default: now). */
  walltime?: number;
}

export interface HparamsOptions {
  /** The possible values of some hyperparameters, for the hparams dashboard's filters. */
  hparamDomainDiscrete?: Record<string, ReadonlyArray<string | number | boolean>>;
  /** The run (sub-directory of the log dir) the session is written to; default: the current Unix time. */
  runName?: string;
}

/**
 * PyTorch's `torch.utils.tensorboard.SummaryWriter` (torch 1.13), writing TensorBoard event files. Method names are
 * torch's in camelCase, with the same arguments in the same order; `globalStep` defaults to none (step 0) and
 * `walltime` to now, in seconds. Events reach the sink in batches (see `maxQueue`, `flushSecs`): call `flush()` or
 * `close()` to write everything. After `close()`, adding more starts a new event file, as in torch.
 * @example
 * const writer = new SummaryWriter('runs/experiment-1');
 * for (let step = 0; step < 100; step++) writer.addScalar('loss', 1 / (step + 1), step);
 * writer.close();
 */
export class SummaryWriter {
  readonly logDir: string;
  readonly sink: EventSink;
  private readonly fileOptions: EventFileOptions;
  private purgeStep: number | undefined;
  private fileWriter: EventFileWriter | undefined;
  private allWriters: Map<string, EventFileWriter> | undefined;
  private lastEventFilePath = '';

  /** `new SummaryWriter()`, `new SummaryWriter('runs/exp1')`, `new SummaryWriter({ sink })`, `new SummaryWriter(dir, options)`. */
  constructor(logDirOrOptions?: string | SummaryWriterOptions, options: SummaryWriterOptions = {}) {
    const [logDir, resolved] = typeof logDirOrOptions === 'object' ? [undefined, logDirOrOptions] : [logDirOrOptions, options];
    this.sink = resolved.sink ?? memorySink();
    this.logDir = logDir || defaultLogDir(this.sink.hostname, resolved.comment ?? '');
    this.fileOptions = {
      maxQueue: resolved.maxQueue ?? 10,
      flushSecs: resolved.flushSecs ?? 120,
      filenameSuffix: resolved.filenameSuffix ?? '',
    };
    this.purgeStep = resolved.purgeStep;
    this.getFileWriter();
  }

  /** The directory event files are written to (torch's get_logdir). */
  getLogdir(): string {
    return this.logDir;
  }

  /** The path of the main event file (the latest one after a close and reopen). */
  get eventFilePath(): string {
    return this.lastEventFilePath;
  }

  /** The main event file's bytes, everything pending flushed first: in the browser, what a user downloads. */
  eventFileBytes(): Uint8Array<ArrayBuffer> {
    this.flush();
    return this.sink.read(this.lastEventFilePath);
  }

  /** A scalar at a step; `newStyle` writes it as a tensor (float32, or float64 with `doublePrecision`). */
  addScalar(
    tag: string,
    value: ScalarValue,
    globalStep?: number,
    walltime?: number,
    options: { newStyle?: boolean; doublePrecision?: boolean } = {},
  ): void {
    this.write(scalarSummary(tag, scalarValue(value, 'addScalar'), options), globalStep, walltime);
  }

  /**
   * Several scalars in one chart: as torch does, each goes to its own event file in the sub-directory
   * `<logDir>/<mainTag with '/' as '_'>_<tag>`, under the tag `mainTag`, so TensorBoard draws them as runs of one tag.
   */
  addScalars(mainTag: string, tagScalarDict: Record<string, ScalarValue>, globalStep?: number, walltime?: number): void {
    const wallTime = walltime ?? secondsNow();
    const logDir = this.getFileWriter().logDir;
    const allWriters = this.allWriters!;
    for (const [tag, value] of Object.entries(tagScalarDict)) {
      const directory = `${logDir}/${mainTag.replaceAll('/', '_')}_${tag}`;
      let writer = allWriters.get(directory);
      if (!writer) {
        writer = new EventFileWriter(directory, this.sink, this.fileOptions);
        allWriters.set(directory, writer);
      }
      writer.addSummary(scalarSummary(mainTag, scalarValue(value, 'addScalars')), globalStep, wallTime);
    }
  }

  /** A histogram of the values (a Tensor or array of any shape), bucketed as torch buckets them (see HistogramBins). */
  addHistogram(
    tag: string,
    values: NumericValues,
    globalStep?: number,
    bins: HistogramBins = 'tensorflow',
    walltime?: number,
  ): void {
    const histo = makeHistogram(flatValues(values), bins);
    this.write({ value: [{ tag, value: { case: 'histo', value: histo } }] }, globalStep, walltime);
  }

  /** An image, 'CHW' by default: float values in [0, 1] (scaled by 255), or uint8 data as they are. Stored as PNG. */
  addImage(tag: string, image: ShapedValues, globalStep?: number, options: ImageOptions = {}): void {
    const encoded = makeImage(image, options.dataformats ?? 'CHW', 'addImage');
    this.write({ value: [{ tag, value: { case: 'image', value: encoded } }] }, globalStep, options.walltime);
  }

  /** A batch of images, 'NCHW' by default, tiled 8 to a row as torch's make_grid tiles them, stored as one PNG. */
  addImages(tag: string, images: ShapedValues, globalStep?: number, options: ImageOptions = {}): void {
    const encoded = makeImage(images, options.dataformats ?? 'NCHW', 'addImages');
    this.write({ value: [{ tag, value: { case: 'image', value: encoded } }] }, globalStep, options.walltime);
  }

  /** Text (Markdown) for TensorBoard's text dashboard, under the tag `<tag>/text_summary`. */
  addText(tag: string, text: string, globalStep?: number, walltime?: number): void {
    this.write(textSummary(tag, text), globalStep, walltime);
  }

  /**
   * One session for the hparams dashboard: its hyperparameters and final metrics, written as torch writes them to a
   * new run, the sub-directory `runName` of the log dir (the three hparams summaries, then each metric as a scalar).
   * Metric tags should not repeat tags logged with addScalar, or the dashboard shows those instead.
   */
  addHparams(
    hparamDict: Record<string, HparamValue>,
    metricDict: Record<string, ScalarValue>,
    options: HparamsOptions = {},
  ): void {
    const { experiment, sessionStartInfo, sessionEndInfo } = hparamsSummaries(
      hparamDict,
      metricDict,
      options.hparamDomainDiscrete,
    );
    const logDir = joinPath(this.getFileWriter().logDir, options.runName || String(secondsNow()));
    const session = new SummaryWriter(logDir, { sink: this.sink });
    try {
      for (const summary of [experiment, sessionStartInfo, sessionEndInfo]) session.write(summary);
      for (const [tag, value] of Object.entries(metricDict)) session.addScalar(tag, value);
    } finally {
      session.close();
    }
  }

  /** Writes every pending event of every event file to the sink. */
  flush(): void {
    for (const writer of this.allWriters?.values() ?? []) writer.flush();
  }

  /** Flushes and closes every event file; closing twice does nothing, and adding after a close opens a new file. */
  close(): void {
    if (!this.allWriters) return;
    for (const writer of this.allWriters.values()) writer.close();
    this.fileWriter = undefined;
    this.allWriters = undefined;
  }

  private write(summary: SummaryInit, globalStep?: number, walltime?: number): void {
    this.getFileWriter().addSummary(summary, globalStep, walltime);
  }

  /** The main event file, created again after a close (torch's _get_file_writer). */
  private getFileWriter(): EventFileWriter {
    if (this.fileWriter && this.allWriters) return this.fileWriter;
    const fileWriter = new EventFileWriter(this.logDir, this.sink, this.fileOptions);
    this.fileWriter = fileWriter;
    this.allWriters = new Map([[this.logDir, fileWriter]]);
    this.lastEventFilePath = fileWriter.path;
    if (this.purgeStep !== undefined) {
      // The version record again, at the purge step, then a session start: TensorBoard drops older events from then.
      const sessionStart = { status: SessionLog_SessionStatus.START };
      fileWriter.addEvent(
        withStep({ wallTime: secondsNow(), what: { case: 'fileVersion', value: 'brain.Event:2' } }, this.purgeStep),
      );
      fileWriter.addEvent(
        withStep({ wallTime: secondsNow(), what: { case: 'sessionLog', value: sessionStart } }, this.purgeStep),
      );
      this.purgeStep = undefined;
    }
    return fileWriter;
  }
}
