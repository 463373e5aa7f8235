import { TensorBoardError } from './errors.js';

/** An event file being written: bytes are appended in order, then it is closed. */
export interface EventFileHandle {
  append(bytes: Uint8Array): void;
  close(): void;
}

/**
 * Where event files go. The Node entry's `fileSink()` writes to disk; `memorySink()` keeps the files in memory, for
 * the browser (download them) and for tests. The host name and process id are the ones torch puts in file names.
 */
export interface EventSink {
  readonly hostname: string;
  readonly processId: number;
  /** Creates `directory` (and its parents) if needed, then a new, empty file `fileName` in it. */
  create(directory: string, fileName: string): EventFileHandle;
  /** A copy of everything written so far to the file at `path` (`directory/fileName`). */
  read(path: string): Uint8Array<ArrayBuffer>;
}

/** One file a memory sink holds: its path (`logDir/…/events.out.tfevents.…`) and its bytes so far. */
export interface MemoryFile {
  path: string;
  bytes: Uint8Array<ArrayBuffer>;
}

export interface MemorySink extends EventSink {
  /** Every file written, in creation order (addScalars and addHparams write to sub-directories of the log dir). */
  files(): MemoryFile[];
}

export interface MemorySinkOptions {
  /** The host name in file names (default 'browser'). */
  hostname?: string;
  /** The process id in file names (default 0). */
  processId?: number;
}

/**
 * Keeps event files in memory instead of a file system: what a SummaryWriter in the browser writes to.
 * @example
 * const sink = memorySink();
 * const writer = new SummaryWriter('runs/demo', { sink });
 * writer.addScalar('loss', 0.5, 0);
 * writer.close();
 * for (const file of sink.files()) console.log(file.path, file.bytes.length);
 */
export function memorySink(options: MemorySinkOptions = {}): MemorySink {
  const chunksByPath = new Map<string, Uint8Array[]>();
  const read = (path: string): Uint8Array<ArrayBuffer> => {
    const chunks = chunksByPath.get(path);
    if (!chunks) throw new TensorBoardError(`memorySink: no event file at '${path}'`);
    const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  };
  return {
    hostname: options.hostname ?? 'browser',
    processId: options.processId ?? 0,
    create(directory, fileName) {
      const path = joinPath(directory, fileName);
      const chunks: Uint8Array[] = [];
      chunksByPath.set(path, chunks);
      return {
        append: (bytes) => void chunks.push(bytes.slice()),
        close: () => {},
      };
    },
    read,
    files: () => [...chunksByPath.keys()].map((path) => ({ path, bytes: read(path) })),
  };
}

/** Joins path segments with '/' as Python's os.path.join does on POSIX (an absolute segment starts over). */
export function joinPath(...segments: string[]): string {
  let path = '';
  for (const segment of segments) {
    if (segment.startsWith('/') || path === '') path = segment;
    else path = path.endsWith('/') ? path + segment : `${path}/${segment}`;
  }
  return path;
}
