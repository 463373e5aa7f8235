#!/usr/bin/env node
// A minimal static server for the production build, with the two headers that make the page cross-origin isolated
// (and so give wasm its threads). The browser test and the benchmark serve the page with it; it also shows that any
// static server works once it sends these headers:  node scripts/serve.mjs [folder=dist] [--port 4173] [--cors]
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const contentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
  '.gz': 'application/gzip',
};

/** What a server of CIFAR-10 files on another origin must send for the page to fetch them (it fetches with CORS). */
export const corsHeaders = { 'Access-Control-Allow-Origin': '*' };

/**
 * Serves `folder` on 127.0.0.1 (port 0: any free port). `isolated: false` leaves the headers out, to see the page
 * fall back to single-threaded wasm; `headers` are sent with every answer (`corsHeaders` for a data server on
 * another origin). Resolves with the origin and a close function.
 */
export async function serveStatic(folder, { isolated = true, headers = {}, port = 0, host = '127.0.0.1' } = {}) {
  const root = resolve(folder);
  const sent = { ...(isolated ? isolationHeaders : {}), ...headers };
  const server = createServer(async (request, response) => {
    for (const [name, value] of Object.entries(sent)) response.setHeader(name, value);
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== root && !file.startsWith(root + sep)) return response.writeHead(403).end();
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((done) => server.listen(port, host, done));
  const origin = `http://${host}:${server.address().port}`;
  return { origin, close: () => new Promise((done) => server.close(() => done())) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const portFlag = process.argv.indexOf('--port');
  const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : 4173;
  const folder = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'dist';
  // --cors: a folder of CIFAR-10 files for a page on another origin (the data needs CORS, not isolation).
  const cors = process.argv.includes('--cors');
  const { origin } = await serveStatic(folder, cors ? { port, isolated: false, headers: corsHeaders } : { port });
  console.log(`serving ${resolve(folder)} at ${origin}/ (${cors ? 'with CORS, for any origin' : 'cross-origin isolated'})`);
}
