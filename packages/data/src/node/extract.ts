import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar';
import { CorruptDatasetError } from '../errors.js';
import { partialPath } from './files.js';

/**
 * Extracts a .tar.gz into `folder` (which must exist) with node-tar, streaming: gunzip and untar run as the file is
 * read, never holding the archive in memory. node-tar refuses absolute paths and `..` entries, so nothing lands
 * outside `folder`; `strict` turns its warnings (a truncated or damaged archive) into errors.
 */
export async function extractTarGz(dataset: string, archive: string, folder: string): Promise<void> {
  try {
    await tarExtract({ file: archive, cwd: folder, strict: true });
  } catch (error) {
    throw new CorruptDatasetError(dataset, archive, `could not be extracted: ${(error as Error).message}`);
  }
}

/** Decompresses a .gz file to `destination`, through a temporary file renamed into place when complete. */
export async function gunzipFile(dataset: string, source: string, destination: string): Promise<void> {
  const temporary = partialPath(destination);
  try {
    await pipeline(createReadStream(source), createGunzip(), createWriteStream(temporary));
    await rename(temporary, destination);
  } catch (error) {
    throw new CorruptDatasetError(dataset, source, `could not be decompressed: ${(error as Error).message}`);
  } finally {
    await rm(temporary, { force: true });
  }
}
