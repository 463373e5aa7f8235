import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EventSink } from '../sink.js';

/**
 * Event files on disk, written synchronously (a SummaryWriter call returns once its bytes are handed to the OS, so a
 * crash loses only what was still pending). The host name and process id in file names are this machine's and this
 * process's, as in torch.
 */
export function fileSink(): EventSink {
  return {
    hostname: hostname(),
    processId: process.pid,
    create(directory, fileName) {
      mkdirSync(directory, { recursive: true });
      const descriptor = openSync(join(directory, fileName), 'w');
      return {
        append(bytes) {
          let written = 0;
          while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
        },
        close: () => closeSync(descriptor),
      };
    },
    read: (path) => new Uint8Array(readFileSync(path)),
  };
}
