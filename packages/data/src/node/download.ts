import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { basename } from 'node:path';
import { Transform as TransformStream } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import { ChecksumError, DownloadError } from '../errors.js';
import { partialPath } from './files.js';

export interface DownloadOptions {
  /** The published MD5 (hex); the file is kept only when it matches. */
  md5?: string;
  /** Show a progress bar: true draws on stderr when it is a terminal; a stream always gets one. Default true. */
  progress?: boolean | NodeJS.WritableStream;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  /** Milliseconds without any data before the download is abandoned (default 60,000). */
  idleTimeoutMs?: number;
}

/** The MD5 (hex) of a file, streamed. */
export async function fileMd5(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function request(url: string, idleTimeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return reject(new DownloadError(url, 'not a valid URL'));
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      return reject(new DownloadError(url, `unsupported protocol ${parsed.protocol}`));
    const get = parsed.protocol === 'https:' ? httpsGet : httpGet;
    const outgoing = get(parsed, { headers: { 'user-agent': 'lantern-data' } }, resolve);
    outgoing.setTimeout(idleTimeoutMs, () => outgoing.destroy(new Error(`no data for ${idleTimeoutMs} ms`)));
    outgoing.on('error', (error) => reject(new DownloadError(url, error.message)));
  });
}

async function open(
  url: string,
  redirectsLeft: number,
  idleTimeoutMs: number,
): Promise<{ response: IncomingMessage; finalUrl: string }> {
  const response = await request(url, idleTimeoutMs);
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400 && response.headers.location) {
    response.resume();
    if (redirectsLeft === 0) throw new DownloadError(url, 'too many redirects');
    return open(new URL(response.headers.location, url).href, redirectsLeft - 1, idleTimeoutMs);
  }
  if (status !== 200) {
    response.resume();
    throw new DownloadError(url, `HTTP ${status} ${response.statusMessage ?? ''}`.trim());
  }
  return { response, finalUrl: url };
}

function progressBar(option: DownloadOptions['progress'], label: string, total: number) {
  const stream = option === undefined || option === true ? process.stderr : option === false ? null : option;
  // A bar needs a known size; on a non-terminal stderr it would only litter logs, unless a stream was given explicitly.
  if (!stream || !(total > 0) || (stream === process.stderr && !process.stderr.isTTY)) return null;
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream & { isTTY?: boolean },
      noTTYOutput: stream !== process.stderr,
      format: `${label} [{bar}] {percentage}% | {receivedMb}/{totalMb} MB | {eta_formatted}`,
      hideCursor: stream === process.stderr,
    },
    cliProgress.Presets.legacy,
  );
  const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);
  bar.start(total, 0, { receivedMb: megabytes(0), totalMb: megabytes(total) });
  return {
    update: (received: number) => bar.update(received, { receivedMb: megabytes(received), totalMb: megabytes(total) }),
    stop: () => bar.stop(),
  };
}

/**
 * Downloads `url` to `destination` over HTTPS (or HTTP), following redirects, with a progress bar, and checks the
 * MD5 as it streams. The bytes go to a temporary file next to `destination` that is renamed into place only when the
 * download is complete and verified, so `destination` never holds a partial or corrupt file.
 * @throws DownloadError on network errors, non-200 statuses and streams that end early; ChecksumError on MD5 mismatch.
 */
export async function downloadFile(url: string, destination: string, options: DownloadOptions = {}): Promise<void> {
  const { response, finalUrl } = await open(url, options.maxRedirects ?? 5, options.idleTimeoutMs ?? 60_000);
  const total = Number(response.headers['content-length'] ?? Number.NaN);
  const temporary = partialPath(destination);
  const hash = createHash('md5');
  const bar = progressBar(options.progress, basename(destination), total);
  let received = 0;
  const meter = new TransformStream({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      hash.update(chunk);
      bar?.update(received);
      callback(null, chunk);
    },
  });
  try {
    try {
      await pipeline(response, meter, createWriteStream(temporary));
    } catch (error) {
      const detail = Number.isFinite(total) ? ` after ${received} of ${total} bytes` : ` after ${received} bytes`;
      throw new DownloadError(finalUrl, `${(error as Error).message}${detail}`);
    }
    if (Number.isFinite(total) && received !== total)
      throw new DownloadError(finalUrl, `stream ended after ${received} of ${total} bytes`);
    const actual = hash.digest('hex');
    if (options.md5 !== undefined && actual !== options.md5.toLowerCase())
      throw new ChecksumError(`${basename(destination)} (from ${finalUrl})`, options.md5, actual);
    await rename(temporary, destination);
  } finally {
    bar?.stop();
    await rm(temporary, { force: true });
  }
}
