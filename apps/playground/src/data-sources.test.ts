import { gzipSync } from 'node:zlib';
import { syntheticCIFAR10Batch } from '@lantern/data/node';
import { createTar } from 'nanotar';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataSourceError, fetchSource, type NamedBlob, readCifarSources } from './data-sources.js';

// The page's reader on Node's own Blob, DecompressionStream and Response: the same web APIs the browser gives.
const named = (name: string, bytes: Uint8Array | string): NamedBlob => ({ name, blob: new Blob([bytes as BlobPart]) });
const gzip = (bytes: Uint8Array) => gzipSync(bytes, { level: 1 });

async function problem(sources: NamedBlob[]): Promise<DataSourceError> {
  const error = await readCifarSources(sources).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DataSourceError);
  return error as DataSourceError;
}

describe('readCifarSources', () => {
  let train: Uint8Array;
  let test: Uint8Array;
  beforeAll(() => {
    train = syntheticCIFAR10Batch(0, 0);
    test = syntheticCIFAR10Batch(0, 5);
  });

  it('opens the official archive layout (.tar.gz) and keeps only the .bin batches', async () => {
    const tar = createTar([
      { name: 'cifar-10-batches-bin/' },
      { name: 'cifar-10-batches-bin/batches.meta.txt', data: 'airplane\n' },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: train },
      { name: 'cifar-10-batches-bin/test_batch.bin', data: test },
    ]);
    const batches = await readCifarSources([named('cifar-10-binary.tar.gz', gzip(tar))]);
    expect(batches.map((batch) => batch.name)).toEqual(['data_batch_1.bin', 'test_batch.bin']);
    // Compared as buffers: a 30 MB array through toEqual would walk every element as a property.
    expect(Buffer.from(batches[0]!.bytes).equals(train)).toBe(true);
    expect(Buffer.from(batches[1]!.bytes).equals(test)).toBe(true);
  });

  it('takes .bin batch files and a plain .tar as they are', async () => {
    const tar = createTar([{ name: 'test_batch.bin', data: test }]);
    const batches = await readCifarSources([named('data_batch_1.bin', train), named('extra.tar', tar)]);
    expect(batches.map((batch) => [batch.name, batch.bytes.length])).toEqual([
      ['data_batch_1.bin', 30_730_000],
      ['test_batch.bin', 30_730_000],
    ]);
  });

  it('says a batch is truncated, and how many whole records it holds', async () => {
    const error = await problem([named('data_batch_2.bin', train.subarray(0, 3073 * 10))]);
    expect(error.what).toBe(
      'data_batch_2.bin is 30730 bytes, expected 30730000 (10000 records of 3073 bytes), so it is not a CIFAR-10 binary batch. It holds 10 whole records: the file is truncated.',
    );
    expect(error.todo).toMatch(/exactly 10,000 images\. Pick the official cifar-10-binary\.tar\.gz/);
  });

  it('names the record whose label byte is not a class', async () => {
    const bad = train.slice();
    bad[3073 * 7] = 200;
    expect((await problem([named('data_batch_1.bin', bad)])).what).toBe(
      'data_batch_1.bin record 7 has label byte 200, expected 0..9, so it is not a CIFAR-10 binary batch.',
    );
    expect((await problem([named('notes.bin', 'hello')])).what).toMatch(
      /^notes\.bin is 5 bytes.* It is shorter than one: truncated, or another kind of file\.$/,
    );
  });

  it('tells a damaged or truncated archive, the Python version, and a misnamed file apart', async () => {
    const archive = gzip(createTar([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: train }]));
    expect((await problem([named('cifar-10-binary.tar.gz', archive.subarray(0, 5000))])).what).toMatch(
      /^cifar-10-binary\.tar\.gz could not be decompressed \(.+\): the download is truncated or damaged\.$/,
    );
    const tar = createTar([{ name: 'data_batch_1.bin', data: train }]);
    expect((await problem([named('cut.tar', tar.subarray(0, 100_000))])).what).toMatch(
      /^cut\.tar (is not a readable tar archive|ends inside)/,
    );
    const python = gzip(createTar([{ name: 'cifar-10-batches-py/data_batch_1', data: 'pickle' }]));
    expect((await problem([named('cifar-10-python.tar.gz', python)])).what).toMatch(
      /holds no CIFAR-10 binary batches.*Python or MATLAB/,
    );
    expect((await problem([named('cifar.tar.gz', 'plain text')])).what).toBe(
      'cifar.tar.gz is named like a gzip archive but is not gzip-compressed.',
    );
    expect((await problem([])).what).toBe('No file was given.');
  });
});

describe('fetchSource', () => {
  const respond = (response: Response | Error) =>
    (async () => {
      if (response instanceof Error) throw response;
      return response;
    }) as unknown as typeof fetch;

  it('names the file after the URL path', async () => {
    const source = await fetchSource('http://127.0.0.1:1/data/cifar-10-binary.tar.gz', respond(new Response('abc')));
    expect(source.name).toBe('cifar-10-binary.tar.gz');
    expect(await source.blob.text()).toBe('abc');
  });

  it('says what to do when the server refuses, the request fails, or the address is not one', async () => {
    const refused = fetchSource(
      'http://127.0.0.1:1/missing.bin',
      respond(new Response('no', { status: 404, statusText: 'Not Found' })),
    );
    await expect(refused).rejects.toMatchObject({ what: 'http://127.0.0.1:1/missing.bin answered HTTP 404 Not Found.' });
    const failed = fetchSource('http://127.0.0.1:1/x.bin', respond(new TypeError('Failed to fetch')));
    await expect(failed).rejects.toMatchObject({ todo: expect.stringContaining('CORS') });
    await expect(fetchSource('not a url')).rejects.toMatchObject({ what: '"not a url" is not a URL.' });
  });
});
