import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeInChromium, launchChromium } from '@lantern/conformance/browser';
import { afterAll, beforeAll, expect, it } from 'vitest';

// The browser path: Blob-URL Web Workers over a shared memory in a cross-origin-isolated page, and the
// single-threaded fallback on a page's main thread (where Atomics.wait is not allowed), in Debian's Chromium.
describeInChromium('in Chromium', () => {
  let server: Server,
    origin = '',
    outDir = '';
  const close = [] as Array<() => Promise<void>>;

  beforeAll(async () => {
    const { build } = await import('tsup');
    outDir = mkdtempSync(join(tmpdir(), 'lantern-wasm-browser-'));
    const root = fileURLToPath(new URL('..', import.meta.url));
    await build({
      entry: { entry: join(root, 'src/__fixtures__/browser-entry.ts') },
      outDir,
      format: ['esm'],
      platform: 'browser',
      target: 'es2022',
      noExternal: [/.*/],
      silent: true,
      config: false,
      splitting: false,
    });
    const page = `<!doctype html><script type="module">
      import { check } from './entry.js';
      const worker = new Worker('./entry.js', { type: 'module' });
      const fromWorker = new Promise((resolve) => { worker.onmessage = (event) => resolve(event.data); });
      window.results = Promise.all([check(), fromWorker]);
    </script>`;
    server = createServer((request, response) => {
      // These two headers make the page cross-origin isolated, which is what enables SharedArrayBuffer.
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      if (request.url === '/') return response.writeHead(200, { 'content-type': 'text/html' }).end(page);
      const file = join(outDir, (request.url ?? '').replace(/^\//, ''));
      if (!existsSync(file)) return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    close.push(() => new Promise((resolve) => server.close(() => resolve())));
  }, 60_000);

  afterAll(async () => {
    for (const step of close.reverse()) await step();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('runs single-threaded on the main thread and with workers inside a Web Worker', async () => {
    const browser = await launchChromium();
    close.push(() => browser.close());
    const page = await browser.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await page.goto(origin);
    const [main, worker] = (await page.evaluate(() => (window as unknown as { results: Promise<unknown[]> }).results)) as Array<
      Record<string, unknown>
    >;
    // Chromium has shipped relaxed SIMD since 114: 'auto' loads the relaxed builds (single on the page, threaded in the worker).
    expect(main).toMatchObject({ threads: 1, simd: 'relaxed', centre: 75, workerChunks: 0, crossOriginIsolated: true });
    expect(String(main!.reason)).toMatch(/main thread/);
    expect(warnings.filter((text) => text.includes('runs single-threaded'))).toHaveLength(1);
    expect(worker).toMatchObject({ threads: 2, simd: 'relaxed', reason: null, centre: 75 });
    expect(worker!.workerChunks as number).toBeGreaterThan(0);
    for (const result of [main!, worker!]) {
      const [five, three] = result.winograd as number[];
      expect(five).toBeCloseTo(200, 2);
      expect(three).toBeCloseTo(72, 3);
    }
  }, 60_000);
});
