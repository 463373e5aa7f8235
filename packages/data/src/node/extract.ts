import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar';
import { CorruptDatasetError } from '../errors.js';
import { isFileSystemError, partialPath } from './files.js';

/**
 * Extracts a .tar.gz into `folder` (which must exist) with node-tar, streaming: gunzip and untar run as the file is
 * read, never holding the archive in memory. node-tar refuses absolute paths and `..` entries, so nothing lands
 * outside `folder`; `strict` turns its warnings (a truncated or damaged archive) into errors. It runs in node-tar's
 * synchronous mode: its asynchronous mode rejects at the first damaged header while the files of earlier entries are
 * still being written, so a caller that then removes `folder` races those writes (found by extract-fuzz.test.ts).
 */
export async function extractTarGz(dataset: string, archive: string, folder: string): Promise<void> {
  try {
    tarExtract({ file: archive, cwd: folder, strict: true, sync: true });
  } catch (error) {
    // A folder that refuses files, or an archive that cannot be read, is not a damaged archive: Node's error says so.
    if (isFileSystemError(error)) throw error;
    throw new CorruptDatasetError(dataset, archive, `could not be extracted: ${(error as Error).message}`);
  }
}

/**
 * Decompresses a .gz file to `destination`, through a temporary file renamed into place when complete. Damaged
 * compressed data is a CorruptDatasetError naming `source`; file-system errors are Node's own, naming their path.
 */
export async function gunzipFile(dataset: string, source: string, destination: string): Promise<void> {
  const temporary = partialPath(destination);
  try {
    await pipeline(createReadStream(source), createGunzip(), createWriteStream(temporary));
    await rename(temporary, destination);
  } catch (error) {
    if (isFileSystemError(error)) throw error;
    throw new CorruptDatasetError(dataset, source, `could not be decompressed: ${(error as Error).message}`);
  } finally {
    await rm(temporary, { force: true });
  }
}
