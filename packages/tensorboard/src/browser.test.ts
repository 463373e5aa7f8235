import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describeInChromium, launchChromium } from '@lantern/conformance/browser';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readEvents } from './testing/event-file-reader.js';

// The browser-safe entry in a real browser, under a Content-Security-Policy without 'unsafe-eval' (what strict sites
// and extensions use), in Debian's Chromium.

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describeInChromium('in Chromium', () => {
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    // The sibling packages from source, as the tests use them, so no build is needed first.
    const bundle = await build({
      entryPoints: [source('./__fixtures__/browser-entry.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      alias: {
        '@lantern/tensorboard': source('./index.ts'),
        '@lantern/tensor': source('../../tensor/src/index.ts'),
        '@lantern/backend-cpu': source('../../backend-cpu/src/index.ts'),
      },
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]!.text;
    const page = `<!doctype html><script type="module">
      import { run } from './entry.js';
      try { window.result = run(); } catch (error) { window.result = { error: String(error) }; }
    </script>`;
    server = createServer((request, response) => {
      response.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self' 'unsafe-inline'");
      if (request.url === '/') return response.writeHead(200, { 'content-type': 'text/html' }).end(page);
      if (request.url === '/entry.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('writes event files in memory: scalars, a histogram and an image grid of Lantern tensors, addScalars runs', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|unsafe-eval/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(origin);
      await page.waitForFunction(() => (window as { result?: unknown }).result !== undefined);
      const result = (await page.evaluate(() => (window as { result?: unknown }).result)) as {
        error?: string;
        files: Array<{ path: string; base64: string }>;
        defaultRun: { logDir: string; base64: string };
      };
      expect(result.error).toBeUndefined();
      expect(violations).toEqual([]);
      const decoded = (text: string) => readEvents(new Uint8Array(Buffer.from(text, 'base64')));

      expect(result.files.map((file) => file.path.replace(/\d+\.browser\.0\.\d+$/, '…'))).toEqual([
        'runs/in-the-browser/events.out.tfevents.…',
        'runs/in-the-browser/pair_a/events.out.tfevents.…',
        'runs/in-the-browser/pair_b/events.out.tfevents.…',
      ]);
      const values = decoded(result.files[0]!.base64)
        .slice(1)
        .map((event) => event.summary.value[0]);
      expect(values.map((value) => value.tag)).toEqual(['loss', 'loss', 'loss', 'weights', 'noise']);
      expect(values[2].simple_value).toBe(Math.fround(1 / 3));
      expect(values[3].histo.num).toBe(64);
      expect(values[3].histo.bucket.reduce((total: number, count: number) => total + count, 0)).toBe(64);
      expect(values[4].image).toMatchObject({ height: 4, width: 8, colorspace: 3 });
      expect(decoded(result.files[2]!.base64)[1]!.summary.value[0]).toEqual({ tag: 'pair', simple_value: 2 });

      expect(result.defaultRun.logDir).toMatch(/^runs\/[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_browser$/);
      expect(decoded(result.defaultRun.base64)[1]!.summary.value[0].tag).toBe('note/text_summary');
    } finally {
      await browser.close();
    }
  });
});
