import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * The files of an npm tarball (gzip'd ustar, every path under `package/`), keyed by their path inside the package.
 * Read here rather than with a tar binary so the assertions see exactly what npm will unpack.
 */
export function readTarball(path: string): Map<string, Buffer> {
  const archive = gunzipSync(readFileSync(path));
  const files = new Map<string, Buffer>();
  let longName: string | null = null;
  for (let offset = 0; offset + 512 <= archive.length; ) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break; // the end-of-archive blocks
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = archive.subarray(offset + 512, offset + 512 + size);
    longName = null;
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'x') {
      // A pax header: its `path=` record names the next entry (paths longer than ustar's 255 characters).
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (path) longName = path[1]!;
    } else if (type === '0' || type === '7') files.set(name.replace(/^package\//, ''), Buffer.from(body));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
