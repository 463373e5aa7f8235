import { TensorBoardError } from './errors.js';
import { type EventInit, encodeEvent, type SummaryInit } from './proto/messages.js';
import { encodeRecord } from './record.js';
import { type EventFileHandle, type EventSink, joinPath } from './sink.js';

/** How an event file batches its writes (torch's max_queue, flush_secs and filename_suffix). */
export interface EventFileOptions {
  /** Pending events that force a write to the sink (default 10). */
  maxQueue: number;
  /** Seconds after which the next event forces a write of everything pending (default 120). */
  flushSecs: number;
  /** Appended to the file name (default ''). */
  filenameSuffix: string;
}

// torch numbers the event files of a process 0, 1, 2, … (tensorboard's _global_uid) so two writers created in the
// same second never collide; one counter per JavaScript realm does the same.
let nextFileNumber = 0;

/** The current time in seconds since the epoch, as Python's time.time() gives it. */
export const secondsNow = (): number => Date.now() / 1000;

/**
 * One event file: torch's FileWriter and TensorBoard's EventFileWriter. Creating it creates the file, named
 * `events.out.tfevents.<10-digit unix time>.<host>.<pid>.<n><suffix>` as TensorBoard's writer names it, and writes the
 * `brain.Event:2` version record at once. Later events wait in memory until `maxQueue` are pending, `flushSecs` have
 * passed since the last write, or `flush()`/`close()` is called. torch does the same on a background thread; here
 * the check runs when an event is added, so no timer keeps a process alive.
 */
export class EventFileWriter {
  readonly path: string;
  private readonly handle: EventFileHandle;
  private pending: Uint8Array[] = [];
  private lastWriteMs = Date.now();
  private closed = false;

  constructor(
    readonly logDir: string,
    sink: EventSink,
    private readonly options: EventFileOptions,
  ) {
    const wallTime = secondsNow();
    const timestamp = String(Math.trunc(wallTime)).padStart(10, '0');
    const fileName = `events.out.tfevents.${timestamp}.${sink.hostname}.${sink.processId}.${nextFileNumber++}${options.filenameSuffix}`;
    this.handle = sink.create(logDir, fileName);
    this.path = joinPath(logDir, fileName);
    this.addEvent({ wallTime, what: { case: 'fileVersion', value: 'brain.Event:2' } });
    this.flush();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  addEvent(event: EventInit): void {
    if (this.closed) throw new TensorBoardError(`event file '${this.path}' is closed`);
    this.pending.push(encodeRecord(encodeEvent(event)));
    const due = Date.now() - this.lastWriteMs >= this.options.flushSecs * 1000;
    if (this.pending.length >= this.options.maxQueue || due) this.flush();
  }

  /** Wraps a summary in an event at `globalStep` (none: step 0, left off the wire) and `walltime` (default now). */
  addSummary(summary: SummaryInit, globalStep?: number, walltime?: number): void {
    this.addEvent(withStep({ wallTime: walltime ?? secondsNow(), what: { case: 'summary', value: summary } }, globalStep));
  }

  /** Writes every pending event to the sink. */
  flush(): void {
    if (this.pending.length > 0) {
      const bytes = new Uint8Array(this.pending.reduce((total, record) => total + record.length, 0));
      let offset = 0;
      for (const record of this.pending) {
        bytes.set(record, offset);
        offset += record.length;
      }
      this.handle.append(bytes);
      this.pending = [];
    }
    this.lastWriteMs = Date.now();
  }

  /** Writes what is pending and closes the file; closing twice does nothing. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.handle.close();
    this.closed = true;
  }
}

/** Sets an event's step as torch does (`int(step)`: truncated toward zero); non-finite steps are refused. */
export function withStep(event: EventInit, globalStep: number | undefined): EventInit {
  if (globalStep === undefined) return event;
  if (!Number.isFinite(globalStep)) throw new TensorBoardError(`global step must be a finite number, got ${globalStep}`);
  return { ...event, step: BigInt(Math.trunc(globalStep)) };
}
