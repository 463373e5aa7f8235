import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { syntheticCIFAR10Batch } from '@lantern/data/node';
import { decodeSafetensors } from '@lantern/nn';
import { createTar } from 'nanotar';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { corsHeaders, serveStatic } from '../scripts/serve.mjs';
import {
  BrowserHarness,
  browserSuite,
  buildPage,
  configure,
  dataset,
  messageTexts,
  problemReport,
  text,
  waitForState,
} from './browser-test-support.js';
import { CourseNet } from './models.js';

await registerCpuBackend();

// CIFAR-10 by URL, in Debian's Chromium: the page (cross-origin isolated, COEP require-corp) fetches in its worker
// a .tar.gz from its own server and a .bin from servers on another origin, one with CORS and one with only
// Cross-Origin-Resource-Policy; a missing file answers 404. Then it trains the BatchNorm model (course-bn) on what it
// fetched, and the weights it saves load into the trainer's CourseNet in Node and back into the page.

const loadUrl = async (page: Page, url: string) => {
  await page.fill('#data-url', url);
  await page.click('#url-form button[type="submit"]');
};

browserSuite('CIFAR-10 from a URL, in Chromium', () => {
  const harness = new BrowserHarness();
  const origins = { page: '', cors: '', resourcePolicyOnly: '' };

  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), 'lantern-playground-url-'));
    harness.defer(() => rmSync(work, { recursive: true, force: true }));
    const outDir = join(work, 'dist');
    await buildPage(outDir);
    // The official archive's layout, with one training batch and the test batch, next to the page on its server.
    mkdirSync(join(outDir, 'data'));
    const archive = createTar([
      { name: 'cifar-10-batches-bin/' },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: syntheticCIFAR10Batch(0, 0) },
      { name: 'cifar-10-batches-bin/test_batch.bin', data: syntheticCIFAR10Batch(0, 5) },
    ]);
    writeFileSync(join(outDir, 'data', 'cifar-10-binary.tar.gz'), gzipSync(archive, { level: 1 }));
    // One batch in a folder that two servers on other origins (other ports) serve.
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'data_batch_1.bin'), syntheticCIFAR10Batch(0, 1));
    const servers = [
      await serveStatic(outDir),
      await serveStatic(elsewhere, { isolated: false, headers: corsHeaders }),
      await serveStatic(elsewhere, { isolated: false, headers: { 'Cross-Origin-Resource-Policy': 'cross-origin' } }),
    ];
    for (const server of servers) harness.defer(server.close);
    [origins.page, origins.cors, origins.resourcePolicyOnly] = servers.map((server) => server.origin);
  }, 60_000);

  afterAll(() => harness.close());

  it('says what happened and what to do for a missing file and a server without CORS; reads one with CORS', async () => {
    const page = await harness.openPage(await harness.launch(['--disable-gpu']), origins.page);
    await loadUrl(page, `${origins.page}/data/missing.tar.gz`);
    expect(await problemReport(page)).toEqual({
      what: `${origins.page}/data/missing.tar.gz answered HTTP 404 Not Found.`,
      todo: 'Check the address, or download the file and pick it from disk.',
    });
    await waitForState(page, ['empty']);
    expect(await text(page, '#data-summary')).toBe('No data loaded.');

    // Cross-Origin-Resource-Policy lets a no-cors request through COEP, but the worker's fetch is a CORS request.
    await loadUrl(page, `${origins.resourcePolicyOnly}/data_batch_1.bin`);
    expect(await problemReport(page)).toEqual({
      what: `${origins.resourcePolicyOnly}/data_batch_1.bin could not be fetched (Failed to fetch).`,
      todo: expect.stringMatching(
        /^Check the address\. A server on another origin must allow it with CORS \(Access-Control-Allow-Origin\)/,
      ),
    });
    await waitForState(page, ['empty']);

    await loadUrl(page, `${origins.cors}/data_batch_1.bin`);
    await waitForState(page, ['ready']);
    expect(await messageTexts(page, 'problem')).toEqual([]);
    expect(await text(page, '#data-summary')).toMatch(/^9,000 training and 1,000 test images from data_batch_1\.bin\. /);
    expect(await page.isDisabled('#start')).toBe(false);
  }, 60_000);

  it('reads the .tar.gz from its own server and trains course-bn on it; the weights carry the running statistics', async () => {
    const page = await harness.openPage(await harness.launch(['--disable-gpu']), origins.page);
    const modelLabels = await page.$$eval('#model option', (options) => options.map((option) => option.textContent));
    expect(modelLabels).toEqual([
      'Course CNN (no activations, as the course)',
      "Course CNN + ReLU (the trainer's course-relu)",
      "Course CNN + BatchNorm + ReLU (the trainer's course-bn)",
    ]);
    await loadUrl(page, `${origins.page}/data/cifar-10-binary.tar.gz`);
    await waitForState(page, ['ready']);
    expect(await text(page, '#data-summary')).toBe(
      '10,000 training and 10,000 test images from data_batch_1.bin, test_batch.bin.',
    );

    await configure(page, { model: 'course-bn', backend: 'wasm', threads: '2', optimizer: 'sgd', lr: '0.01', momentum: '0.9' });
    await configure(page, { 'batch-size': '16', epochs: '1', 'train-limit': '64', 'test-limit': '64', seed: '0' });
    await page.click('#start');
    await waitForState(page, ['finished', 'stopped']);
    expect(await messageTexts(page, 'problem')).toEqual([]);
    expect(await text(page, '#stat-state')).toBe('finished');
    expect(await text(page, '#stat-step')).toBe('4 / 4');
    expect((await dataset(page, '#accuracy-chart')).points).toBe('1');
    expect(Number((await dataset(page, '#predictions')).updates)).toBeGreaterThanOrEqual(1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-weights')]);
    expect(download.suggestedFilename()).toBe('lantern-course-bn.safetensors');
    const saved = readFileSync((await download.path())!);
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(saved), { backend: 'cpu' });
    expect(metadata).toEqual({ format: 'pt', model: 'course-bn' });
    for (const [norm, channels] of [
      ['model1.1', 32],
      ['model1.5', 32],
      ['model1.9', 64],
    ] as const) {
      expect(tensors[`${norm}.running_mean`]?.shape).toEqual([channels]);
      expect(
        Array.from(tensors[`${norm}.running_mean`]!.dataSync()).some((value) => value !== 0),
        norm,
      ).toBe(true);
      expect(
        Array.from(tensors[`${norm}.running_var`]!.dataSync()).some((value) => value !== 1),
        norm,
      ).toBe(true);
      // Four training steps, each in train mode; the epoch's evaluation and the prediction grid ran in eval mode.
      expect(tensors[`${norm}.num_batches_tracked`]?.item(), norm).toBe(4);
    }
    expect(new CourseNet('course-bn').loadStateDict(tensors)).toMatchObject({ missingKeys: [], unexpectedKeys: [] });

    await page.setInputFiles('#load-weights', {
      name: 'lantern-course-bn.safetensors',
      mimeType: 'application/octet-stream',
      buffer: saved,
    });
    await page.waitForSelector(`.message.notice:has-text("Loaded ${Object.keys(tensors).length} tensors")`);
    expect(Object.keys(tensors)).toHaveLength(25);
    await page.click('#evaluate');
    await page.waitForSelector('.message.notice:has-text("Starting from the weights in lantern-course-bn.safetensors.")');
    await page.waitForSelector('.message.notice:has-text("Evaluation:")', { timeout: 60_000 });
    expect(await messageTexts(page, 'notice')).toContainEqual(
      expect.stringMatching(/^Evaluation: [\d.]+% of 64 test images right\.$/),
    );
    expect(await messageTexts(page, 'problem')).toEqual([]);
  }, 120_000);
});
