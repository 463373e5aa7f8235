import { type CIFAR10Batch, CorruptDatasetError, cifar10Format, validateCifar10Batch } from '@lantern/data';
import { parseTar } from 'nanotar';
import type { ProblemReport } from './protocol.js';

/**
 * Reading CIFAR-10 as a person hands it to the page: the official `cifar-10-binary.tar.gz`, a plain `.tar`, or `.bin`
 * batch files, from disk or a URL. Everything here runs on web APIs (Blob, DecompressionStream, fetch) and
 * @lantern/data's browser-safe entry, so the same code runs in Node's tests.
 */

/** A problem with the data the person gave, worded for the page: what happened and what to do. */
export class DataSourceError extends Error implements ProblemReport {
  override name = 'DataSourceError';
  constructor(
    readonly what: string,
    readonly todo: string,
  ) {
    super(`${what} ${todo}`);
  }
}

const getTheArchive =
  'Pick the official cifar-10-binary.tar.gz (the "binary version", not the Python or MATLAB one), or the .bin batch ' +
  'files from its cifar-10-batches-bin folder.';

/** A file the person picked, or a downloaded body: its name and its bytes as a Blob (a File is one). */
export interface NamedBlob {
  name: string;
  blob: Blob;
}

const gzipMagic = [0x1f, 0x8b];

async function startsWithGzipMagic(blob: Blob): Promise<boolean> {
  const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
  return head[0] === gzipMagic[0] && head[1] === gzipMagic[1];
}

async function gunzip(source: NamedBlob): Promise<ArrayBuffer> {
  try {
    return await new Response(source.blob.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
  } catch (error) {
    throw new DataSourceError(
      `${source.name} could not be decompressed (${(error as Error).message || String(error)}): the download is truncated or damaged.`,
      `Download it again, then pick it. ${getTheArchive}`,
    );
  }
}

/** The .bin members of a tar archive, checked to hold whole records: a truncated archive cuts its last member. */
function binMembersOfTar(archiveName: string, tar: ArrayBuffer): CIFAR10Batch[] {
  let entries: Array<{ name: string; size: number; data?: Uint8Array }>;
  try {
    entries = parseTar(tar, { filter: (entry) => entry.type === 'file' && entry.name.endsWith('.bin') });
  } catch (error) {
    throw new DataSourceError(
      `${archiveName} is not a readable tar archive (${(error as Error).message}): it is truncated or not an archive.`,
      `Download it again. ${getTheArchive}`,
    );
  }
  if (entries.length === 0) {
    throw new DataSourceError(
      `${archiveName} holds no CIFAR-10 binary batches (no .bin files): it may be the Python or MATLAB version.`,
      getTheArchive,
    );
  }
  return entries.map((entry) => {
    const bytes = entry.data ?? new Uint8Array(0);
    if (bytes.length !== entry.size) {
      throw new DataSourceError(
        `${archiveName} ends inside ${entry.name} (${bytes.length} of ${entry.size} bytes): the archive is truncated.`,
        `Download it again. ${getTheArchive}`,
      );
    }
    return { name: entry.name.split('/').pop()!, bytes };
  });
}

/** Validates a batch with @lantern/data's own check, rewording its CorruptDatasetError for the page. */
function checkBatch(batch: CIFAR10Batch): CIFAR10Batch {
  try {
    validateCifar10Batch(batch);
  } catch (error) {
    if (!(error instanceof CorruptDatasetError)) throw error;
    const { recordBytes, recordsPerBatch, batchBytes } = cifar10Format;
    const size = batch.bytes.length;
    const shorter =
      size >= batchBytes
        ? ''
        : size % recordBytes === 0
          ? ` It holds ${size / recordBytes} whole records: the file is truncated.`
          : ' It is shorter than one: truncated, or another kind of file.';
    throw new DataSourceError(
      `${batch.name} ${error.problem}, so it is not a CIFAR-10 binary batch.${shorter}`,
      `A batch file holds exactly ${recordsPerBatch.toLocaleString('en')} images. ${getTheArchive}`,
    );
  }
  return batch;
}

/** Reads each source into CIFAR-10 batches: archives are opened, `.bin` files taken as they are, all validated. */
export async function readCifarSources(sources: readonly NamedBlob[]): Promise<CIFAR10Batch[]> {
  if (sources.length === 0) throw new DataSourceError('No file was given.', getTheArchive);
  const batches: CIFAR10Batch[] = [];
  for (const source of sources) {
    const lowerName = source.name.toLowerCase();
    if (await startsWithGzipMagic(source.blob)) {
      batches.push(...binMembersOfTar(source.name, await gunzip(source)));
    } else if (lowerName.endsWith('.tar')) {
      batches.push(...binMembersOfTar(source.name, await source.blob.arrayBuffer()));
    } else if (lowerName.endsWith('.gz') || lowerName.endsWith('.tgz')) {
      throw new DataSourceError(`${source.name} is named like a gzip archive but is not gzip-compressed.`, getTheArchive);
    } else {
      batches.push({ name: source.name, bytes: new Uint8Array(await source.blob.arrayBuffer()) });
    }
  }
  return batches.map(checkBatch);
}

/** Fetches a URL's body as a named blob, saying what to do when the server refuses or cross-origin rules block it. */
export async function fetchSource(url: string, fetcher: typeof fetch = fetch): Promise<NamedBlob> {
  let parsed: URL;
  try {
    parsed = new URL(url, globalThis.location?.href);
  } catch {
    throw new DataSourceError(
      `"${url}" is not a URL.`,
      'Give a full address, such as https://example.org/cifar-10-binary.tar.gz.',
    );
  }
  let response: Response;
  try {
    response = await fetcher(parsed.href);
  } catch (error) {
    throw new DataSourceError(
      `${parsed.href} could not be fetched (${(error as Error).message}).`,
      'Check the address. A server on another origin must allow it with CORS (Access-Control-Allow-Origin); ' +
        'otherwise download the file and pick it from disk.',
    );
  }
  if (!response.ok) {
    throw new DataSourceError(
      `${parsed.href} answered HTTP ${response.status} ${response.statusText}.`,
      'Check the address, or download the file and pick it from disk.',
    );
  }
  const name = decodeURIComponent(parsed.pathname.split('/').pop() || parsed.hostname);
  return { name, blob: await response.blob() };
}
