import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { syntheticCIFAR10Batch } from '@lantern/data/node';
import { decodeSafetensors } from '@lantern/nn';
import { createTar } from 'nanotar';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveStatic } from '../scripts/serve.mjs';
import {
  appRoot,
  BrowserHarness,
  browserSuite,
  buildPage,
  configure,
  dataset,
  problemText,
  text,
  waitForState,
} from './browser-test-support.js';
import { CourseNet } from './models.js';

await registerCpuBackend();

// The page end to end, in Debian's Chromium: the production build served by a plain static server with the COOP/COEP
// headers, a generated CIFAR-10 batch uploaded through the file input, training in the worker on wasm threads, pause
// and resume, the weights downloaded and read back in Node, the error messages, and WebGPU on the adapter headless
// Chromium offers (its bundled SwiftShader). Loading from a URL is url-loading.browser.test.ts. PLAYGROUND_SCREENSHOT=1
// saves the mid-training screenshot to docs/screenshot.png (the README's picture); otherwise it goes to the temporary
// folder.

/** The records of a TFRecord file (8-byte length, 4-byte length CRC, data, 4-byte data CRC), which must tile it. */
function tfRecords(file: Uint8Array): Uint8Array[] {
  const records: Uint8Array[] = [];
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let offset = 0;
  while (offset < file.length) {
    const length = Number(view.getBigUint64(offset, true));
    records.push(file.subarray(offset + 12, offset + 12 + length));
    offset += 16 + length;
  }
  expect(offset).toBe(file.length);
  return records;
}

browserSuite('the playground in Chromium', () => {
  const harness = new BrowserHarness();
  let work = '';
  let isolatedOrigin = '';
  let plainOrigin = '';
  const files = { batch: '', truncated: '', damagedArchive: '', junkWeights: '' };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'lantern-playground-'));
    harness.defer(() => rmSync(work, { recursive: true, force: true }));
    const outDir = join(work, 'dist');
    await buildPage(outDir);
    // One official-size batch (10,000 records), named as the archive names its first training batch.
    const batch = syntheticCIFAR10Batch(0, 0);
    files.batch = join(work, 'data_batch_1.bin');
    writeFileSync(files.batch, batch);
    files.truncated = join(work, 'test_batch.bin');
    writeFileSync(files.truncated, batch.subarray(0, 3073 * 2500));
    const archive = gzipSync(createTar([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: batch.subarray(0, 3073 * 100) }]));
    files.damagedArchive = join(work, 'cifar-10-binary.tar.gz');
    writeFileSync(files.damagedArchive, archive.subarray(0, Math.floor(archive.length / 2)));
    files.junkWeights = join(work, 'notes.safetensors');
    writeFileSync(files.junkWeights, 'these are not weights');
    const isolated = await serveStatic(outDir);
    const plain = await serveStatic(outDir, { isolated: false });
    harness.defer(isolated.close);
    harness.defer(plain.close);
    isolatedOrigin = isolated.origin;
    plainOrigin = plain.origin;
  }, 60_000);

  afterAll(() => harness.close());

  it('trains on wasm threads in a worker: live charts and predictions, pause and resume, weights Node reads', async () => {
    const page = await harness.openPage(await harness.launch(['--disable-gpu']), isolatedOrigin);
    expect(await page.getAttribute('#capabilities [data-capability="wasm threads"]', 'class')).toBe('ok');
    // With the GPU disabled there is no adapter: the page says so and does not offer WebGPU.
    expect(await text(page, '#capabilities [data-capability="WebGPU"]')).toMatch(/not available: .*no adapter/);
    expect(await page.$eval('#backend option[value="webgpu"]', (option) => (option as HTMLOptionElement).disabled)).toBe(true);

    await page.setInputFiles('#data-files', files.batch);
    await waitForState(page, ['ready']);
    expect(await text(page, '#data-summary')).toContain('9,000 training and 1,000 test images from data_batch_1.bin');
    await configure(page, { backend: 'wasm', threads: '2', optimizer: 'sgd', lr: '0.005', momentum: '0.9' });
    await configure(page, { 'batch-size': '32', epochs: '4', 'train-limit': '1600', seed: '0' });
    await page.click('#start');
    await waitForState(page, ['training']);
    expect(await text(page, '#running-on')).toBe('wasm, 2 threads (SIMD kernels, Web Workers over shared memory)');

    // Mid-training: the first epoch's accuracy is drawn, the grid has new predictions, the second epoch is under way.
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLElement>('#accuracy-chart')?.dataset.points === '1' &&
        Number(document.querySelector<HTMLElement>('#predictions')?.dataset.updates) >= 1 &&
        document.querySelector('#stat-epoch')?.textContent === '2 / 4' &&
        Number.parseInt(document.querySelector('#stat-step')?.textContent ?? '', 10) >= 20,
      null,
      { timeout: 60_000, polling: 50 },
    );
    const screenshot = process.env.PLAYGROUND_SCREENSHOT ? join(appRoot, 'docs', 'screenshot.png') : join(work, 'screenshot.png');
    mkdirSync(join(screenshot, '..'), { recursive: true });
    await page.screenshot({ path: screenshot });
    expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');

    await page.click('#pause');
    await waitForState(page, ['paused']);
    const pausedAt = await text(page, '#stat-step');
    const pointsAtPause = (await dataset(page, '#loss-chart')).points;
    await page.waitForTimeout(1_000);
    expect(await text(page, '#stat-step')).toBe(pausedAt);
    expect((await dataset(page, '#loss-chart')).points).toBe(pointsAtPause);
    // The page answers while the worker waits: a round trip through the page's own event loop.
    expect(await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve('drawn'))))).toBe('drawn');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-weights')]);
    expect(download.suggestedFilename()).toBe('lantern-course.safetensors');
    const saved = readFileSync((await download.path())!);
    const shownSums = await page.$$eval('#weights-table tr', (rows) =>
      rows.map((row) => [(row as HTMLElement).dataset.name!, Number((row as HTMLElement).dataset.sum)] as const),
    );

    await page.click('#pause'); // now labelled Resume
    await waitForState(page, ['training']);
    await waitForState(page, ['finished']);
    expect(await text(page, '#stat-epoch')).toBe('4 / 4');
    expect(await text(page, '#stat-step')).toBe('50 / 50');
    const loss = await dataset(page, '#loss-chart');
    expect(Number(loss.points)).toBeGreaterThan(Number(pointsAtPause));
    expect(Number(loss.last)).toBeLessThan(Number(loss.first) * 0.5);
    expect((await dataset(page, '#accuracy-chart')).points).toBe('4');
    expect(Number((await dataset(page, '#predictions')).updates)).toBeGreaterThanOrEqual(2);
    expect(Number(await text(page, '#stat-speed'))).toBeGreaterThan(0);

    // The downloaded file in Node: PyTorch's key names, loadable into the course CNN, the values the page had.
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(saved), { backend: 'cpu' });
    expect(metadata).toMatchObject({ format: 'pt', model: 'course' });
    expect(new CourseNet().loadStateDict(tensors)).toMatchObject({ missingKeys: [], unexpectedKeys: [] });
    expect(shownSums.map(([name]) => name).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, sum] of shownSums) {
      let nodeSum = 0;
      for (const value of tensors[name]!.dataSync()) nodeSum += value;
      expect(nodeSum, name).toBe(sum);
    }

    // The TensorBoard log: TFRecord framing that tiles the file, the version record first, the run's tags.
    const [events] = await Promise.all([page.waitForEvent('download'), page.click('#save-events')]);
    expect(events.suggestedFilename()).toMatch(/^events\.out\.tfevents\.\d{10}\./);
    const records = tfRecords(readFileSync((await events.path())!));
    expect(Buffer.from(records[0]!).toString('latin1')).toContain('brain.Event:2');
    const logged = Buffer.concat(records).toString('latin1');
    for (const tag of ['Loss/train', 'Accuracy/test', 'Speed/images_per_second', 'config/text_summary'])
      expect(logged).toContain(tag);
    expect(records.filter((record) => Buffer.from(record).toString('latin1').includes('Loss/train\u0015'))).toHaveLength(200);

    // Loading the file back into the page: a notice, then Evaluate runs from those weights.
    await page.setInputFiles('#load-weights', {
      name: 'lantern-course.safetensors',
      mimeType: 'application/octet-stream',
      buffer: saved,
    });
    await page.waitForSelector('.message.notice:has-text("Loaded 10 tensors")');
    await page.click('#evaluate');
    await page.waitForSelector('.message.notice:has-text("Evaluation:")', { timeout: 60_000 });
  }, 120_000);

  it('says what went wrong and what to do: a truncated batch, a damaged archive, a wrong weights file, a diverged run', async () => {
    const page = await harness.openPage(await harness.launch(['--disable-gpu']), isolatedOrigin);
    await page.setInputFiles('#data-files', files.truncated);
    expect(await problemText(page)).toMatch(
      /test_batch\.bin is 7682500 bytes, expected 30730000 .*not a CIFAR-10 binary batch\. It holds 2500 whole records: the file is truncated/,
    );
    await page.setInputFiles('#data-files', files.damagedArchive);
    expect(await problemText(page)).toMatch(
      /cifar-10-binary\.tar\.gz could not be decompressed.*truncated or damaged.*Download it again/,
    );
    expect(await text(page, '#stat-state')).toBe('no data');

    await page.setInputFiles('#load-weights', files.junkWeights);
    expect(await problemText(page)).toMatch(/not a readable safetensors file.*Pick a \.safetensors file/);

    await page.setInputFiles('#data-files', files.batch);
    await waitForState(page, ['ready']);
    await configure(page, { lr: '1e12', momentum: '0.9', 'batch-size': '32', epochs: '1', 'train-limit': '320', threads: '2' });
    await page.click('#start');
    expect(await problemText(page)).toMatch(
      /Training diverged: the loss became (NaN|Infinity) .*Lower the learning rate \(it is 1000000000000/,
    );
    await waitForState(page, ['stopped']);
    expect(await page.isVisible('header h1')).toBe(true);
  }, 90_000);

  it('runs wasm single-threaded, and says so, where the page is not cross-origin isolated', async () => {
    const page = await harness.openPage(await harness.launch(['--disable-gpu']), plainOrigin);
    expect(await text(page, '#capabilities [data-capability="Cross-origin isolated"]')).toContain(
      'no: the server does not send COOP/COEP',
    );
    expect(await page.getAttribute('#capabilities [data-capability="wasm threads"]', 'class')).toBe('missing');
    expect(await text(page, '#backend-note')).toMatch(/wasm runs single-threaded here: SharedArrayBuffer is unavailable/);
    expect(await page.isDisabled('#threads')).toBe(true);
  }, 60_000);

  it('trains on WebGPU with the adapter headless Chromium offers, names it, and says so when the device is lost', async () => {
    const page = await harness.openPage(await harness.launch(['--enable-unsafe-webgpu']), isolatedOrigin);
    // Keeps a handle on the device the worker opens, so that the test can destroy it mid-run as a driver reset would.
    const worker = page.workers().find((candidate) => candidate.url().includes('/assets/worker'))!;
    await worker.evaluate(() => {
      const requestDevice = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, ...options) {
        const device = await requestDevice.apply(this, options);
        (globalThis as unknown as { testDevice: GPUDevice }).testDevice = device;
        return device;
      };
    });
    const capability = await text(page, '#capabilities [data-capability="WebGPU"]');
    expect(capability, 'headless Chromium with --enable-unsafe-webgpu should offer its SwiftShader adapter').toMatch(
      /swiftshader/i,
    );
    await page.setInputFiles('#data-files', files.batch);
    await waitForState(page, ['ready']);
    // SwiftShader runs WebGPU on the CPU at a few images a second: two steps and a small test set.
    await configure(page, { backend: 'webgpu', 'batch-size': '4', epochs: '1', 'train-limit': '8', 'test-limit': '8' });
    await page.click('#start');
    await waitForState(page, ['finished', 'stopped'], 90_000);
    expect(await page.$$eval('.message.problem', (boxes) => boxes.map((box) => box.textContent))).toEqual([]);
    expect(await text(page, '#running-on')).toMatch(/^WebGPU on .*swiftshader/i);
    expect(await text(page, '#stat-step')).toBe('2 / 2');
    expect((await dataset(page, '#accuracy-chart')).points).toBe('1');

    await page.click('#start');
    await waitForState(page, ['training']);
    await worker.evaluate(() => (globalThis as unknown as { testDevice: GPUDevice }).testDevice.destroy());
    expect(await problemText(page)).toMatch(/The GPU device was lost( \(destroyed\))? and the run stopped.*Start again/);
    await waitForState(page, ['stopped']);
  }, 120_000);
});
