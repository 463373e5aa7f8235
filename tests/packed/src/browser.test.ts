import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { placePrograms } from './programs.js';

// Step 3c: the installed packages bundled for the browser by esbuild, served cross-origin isolated (COOP + COEP make
// SharedArrayBuffer available), run in Debian's Chromium: the course CNN trains on wasm with 2 threads inside a module
// Web Worker (a page's main thread may not block in Atomics.wait, so threads only run in a worker).
interface BrowserTraining {
  error?: string;
  losses: number[];
  threads: number;
  threadingUnavailableReason: string | null;
  workerChunks: number;
  workerCrossOriginIsolated: boolean;
  pageCrossOriginIsolated: boolean;
}

const { installFolder } = inject('packed');
const chromiumPath = '/usr/bin/chromium';
const launchArguments = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const page = '<!doctype html><meta charset="utf-8"><title>Lantern packed</title><script type="module" src="/entry.js"></script>';

describe('browser bundle (esbuild) in Chromium', () => {
  const bundleFolder = join(installFolder, 'browser-bundle');
  let server: Server | undefined,
    browser: Browser | undefined,
    origin = '';

  beforeAll(async () => {
    if (!existsSync(chromiumPath))
      throw new Error(`${chromiumPath} is missing: install Debian's chromium (apt-get install chromium)`);
    placePrograms(installFolder, ['course-training.mjs', 'browser-entry.mjs']);
    await build({
      entryPoints: [join(installFolder, 'browser-entry.mjs')],
      outfile: join(bundleFolder, 'entry.js'),
      absWorkingDir: installFolder,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      logLevel: 'silent',
    });
    server = createServer((request, response) => {
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      if (request.url === '/') return response.writeHead(200, { 'content-type': 'text/html' }).end(page);
      if (request.url === '/entry.js') {
        return response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(bundleFolder, 'entry.js')));
      }
      return response.writeHead(request.url === '/favicon.ico' ? 204 : 404).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await chromium.launch({ executablePath: chromiumPath, args: launchArguments });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('trains the course CNN on wasm with 2 threads in a Web Worker of a cross-origin-isolated page', async () => {
    const tab = await browser!.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    tab.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    await tab.goto(origin);
    const result = await Promise.race([
      tab.evaluate(() => (window as unknown as { __result: Promise<BrowserTraining> }).__result),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no result from the page in 120 s; ${problems.join('; ')}`)), 120_000),
      ),
    ]);
    expect(result.error, problems.join('\n')).toBeUndefined();
    expect(result.pageCrossOriginIsolated).toBe(true);
    expect(result.workerCrossOriginIsolated).toBe(true);
    expect(result.threadingUnavailableReason).toBeNull();
    expect(result.threads).toBe(2);
    expect(result.workerChunks).toBeGreaterThan(0);
    expect(result.losses.every(Number.isFinite), `losses ${result.losses}`).toBe(true);
    expect(result.losses.at(-1)!, `losses ${result.losses}`).toBeLessThan(result.losses[0]!);
  });
});
