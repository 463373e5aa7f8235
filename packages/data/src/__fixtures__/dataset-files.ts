// Test helpers: files in the official CIFAR-10 binary and Fashion-MNIST IDX formats, generated (so no test needs the
// real data), and a local HTTP server on 127.0.0.1 to download them from.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create as tarCreate } from 'tar';

export const cifarFiles = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
  'test_batch.bin',
];

/**
 * A full-size official batch (10,000 records of 3,073 bytes), mostly zeros so it compresses to almost nothing. Record r
 * of batch b has label (r + b) % 10, red plane starting with r % 256 then b, green plane starting with 100, blue
 * plane ending with 200, so tests can check which record and which channel they got.
 */
export function cifarBatch(batch: number): Buffer {
  const bytes = Buffer.alloc(30_730_000);
  for (let record = 0; record < 10_000; record++) {
    const start = record * 3073;
    bytes[start] = (record + batch) % 10;
    bytes[start + 1] = record % 256;
    bytes[start + 2] = batch;
    bytes[start + 1 + 1024] = 100;
    bytes[start + 3072] = 200;
  }
  return bytes;
}

export async function writeCifarFolder(folder: string, files = cifarFiles): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (const file of files) await writeFile(join(folder, file), cifarBatch(cifarFiles.indexOf(file)));
}

/** cifar-10-binary.tar.gz as the official one is laid out: a cifar-10-batches-bin/ folder with the six batches. */
export async function buildCifarArchive(workspace: string): Promise<{ bytes: Buffer; md5: string }> {
  await writeCifarFolder(join(workspace, 'cifar-10-batches-bin'));
  await writeFile(join(workspace, 'cifar-10-batches-bin', 'batches.meta.txt'), 'airplane\nautomobile\n');
  const archive = join(workspace, 'cifar-10-binary.tar.gz');
  await tarCreate({ gzip: { level: 1 }, cwd: workspace, file: archive, portable: true }, ['cifar-10-batches-bin']);
  const bytes = await readFile(archive);
  return { bytes, md5: md5(bytes) };
}

export const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** An IDX uint8 image file: n images of 28×28, image i filled with i % 256 except pixel 0 = 255 - i % 256. */
export function idxImages(count: number): Buffer {
  const bytes = Buffer.alloc(16 + count * 784);
  bytes.writeUInt32BE(0x00000803, 0);
  bytes.writeUInt32BE(count, 4);
  bytes.writeUInt32BE(28, 8);
  bytes.writeUInt32BE(28, 12);
  for (let i = 0; i < count; i++) {
    bytes.fill(i % 256, 16 + i * 784, 16 + (i + 1) * 784);
    bytes[16 + i * 784] = 255 - (i % 256);
  }
  return bytes;
}

export function idxLabels(labels: number[]): Buffer {
  const bytes = Buffer.alloc(8 + labels.length);
  bytes.writeUInt32BE(0x00000801, 0);
  bytes.writeUInt32BE(labels.length, 4);
  bytes.set(labels, 8);
  return bytes;
}

export const gzip = (bytes: Uint8Array) => gzipSync(bytes, { level: 1 });

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

/** Serves `bytes` with its Content-Length. */
export const serveBytes =
  (bytes: Uint8Array): Route =>
  (_request, response) => {
    response.writeHead(200, { 'content-length': bytes.length, 'content-type': 'application/octet-stream' });
    response.end(bytes);
  };

/** Announces the full length, sends the first half, then drops the connection. */
export const serveTruncated =
  (bytes: Uint8Array): Route =>
  (_request, response) => {
    response.writeHead(200, { 'content-length': bytes.length });
    response.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => response.socket?.destroy(), 20));
  };

export const serveStatus =
  (status: number): Route =>
  (_request, response) => {
    response.writeHead(status);
    response.end('no');
  };

/** An HTTP server on 127.0.0.1 (random port) with fixed routes; counts the requests each path got. */
export async function startServer(routes: Record<string, Route>) {
  const hits: Record<string, number> = {};
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    hits[path] = (hits[path] ?? 0) + 1;
    (routes[path] ?? serveStatus(404))(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
