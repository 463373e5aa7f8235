#!/usr/bin/env node
// Training speed in the page against the same training in Node, in one process run: the production build served with
// the COOP/COEP headers, driven in Debian's Chromium (the worker, wasm, 2 threads), then src/training.ts itself
// imported into Node through Vite's module runner (wasm, 2 threads on worker_threads), on the same generated CIFAR-10
// batch with the same model, optimizer, batch size and seed. Each side trains --epochs epochs; the first is warm-up
// (kernel compilation, allocator growth) and the best of the rest counts; --rounds alternate page and Node. Evaluation and the page's prediction
// drawing are outside the timed part on both sides, as the loop measures them.
//
//   pnpm --filter playground bench      (after the packages are built: pnpm turbo run build --filter=playground^...)
//   node bench/page-vs-node.mjs --batch-size 32 --images 3200 --epochs 3 --rounds 2
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, runnerImport } from 'vite';
import { serveStatic } from '../scripts/serve.mjs';

const { values } = parseArgs({
  // `pnpm bench -- --rounds 3` passes the `--` along.
  args: process.argv.slice(2).filter((argument) => argument !== '--'),
  options: {
    'batch-size': { type: 'string', default: '32' },
    images: { type: 'string', default: '3200' },
    epochs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
  },
});
const integer = (name) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be an integer >= 1, got '${values[name]}'`);
  return value;
};
const [batchSize, images, epochs, threads, rounds] = ['batch-size', 'images', 'epochs', 'threads', 'rounds'].map(integer);
if (epochs < 2) throw new Error('--epochs must be at least 2: the first epoch is warm-up');
const config = {
  model: 'course',
  optimizer: 'sgd',
  lr: 0.005,
  momentum: 0.9,
  batchSize,
  epochs,
  trainLimit: images,
  testLimit: 256,
  backend: 'wasm',
  threads,
  seed: 0,
};
const best = (rates) => Math.max(...rates.slice(1));

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'lantern-playground-bench-'));
try {
  const { syntheticCIFAR10Batch } = await import('@lantern/data/node');
  const batch = syntheticCIFAR10Batch(0, 0);
  const batchFile = join(work, 'data_batch_1.bin');
  writeFileSync(batchFile, batch);

  // The page.
  await build({
    root: appRoot,
    configFile: join(appRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: join(work, 'dist'), emptyOutDir: true },
  });
  const server = await serveStatic(join(work, 'dist'));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const runPage = async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.origin}/`);
      await page.waitForSelector('#capabilities li[data-capability]');
      await page.setInputFiles('#data-files', batchFile);
      await page.waitForFunction(() => document.body.dataset.state === 'ready');
      const fields = {
        threads,
        lr: config.lr,
        momentum: config.momentum,
        'batch-size': batchSize,
        epochs,
        'train-limit': images,
        'test-limit': config.testLimit,
        seed: 0,
      };
      for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, String(value));
      await page.click('#start');
      await page.waitForFunction(() => ['finished', 'stopped'].includes(document.body.dataset.state ?? ''), null, {
        timeout: 600_000,
      });
      const problems = await page.$$eval('.message.problem', (boxes) => boxes.map((box) => box.textContent));
      if (problems.length > 0) throw new Error(`the page reported: ${problems.join('; ')}`);
      console.log(`page: ${await page.textContent('#running-on')}`);
      return await page.$$eval('#epoch-table tbody tr', (rows) => rows.map((row) => Number(row.dataset.imagesPerSecond)));
    } finally {
      await page.close();
    }
  };

  // Node: the same loop, imported from the page's source through Vite (so the @lantern packages resolve to dist).
  const load = async (file) =>
    (await runnerImport(join(appRoot, 'src', file), { root: appRoot, configFile: false, logLevel: 'warn' })).module;
  const [{ createOptimizer, train }, { splitBatches }, { createModel }] = await Promise.all(
    ['training.ts', 'splits.ts', 'models.ts'].map(load),
  );
  const wasm = await import('@lantern/backend-wasm');
  const { manualSeed, setBackend } = await import('@lantern/tensor');
  const splits = splitBatches([{ name: 'data_batch_1.bin', bytes: batch }]);
  const runNode = async () => {
    await wasm.registerWasmBackend({ threads });
    setBackend('wasm');
    manualSeed(config.seed);
    const model = createModel(config.model);
    const rates = [];
    await train(model, createOptimizer(config, model), splits, config, {
      step: () => {},
      betweenSteps: async () => ({ stop: false, excludedMs: 0 }),
      epoch: (result) => rates.push(result.imagesPerSecond),
    });
    console.log(`node ${process.version}: wasm, ${wasm.getThreads()} threads (worker_threads)`);
    return rates;
  };

  // Alternating rounds, so that load from elsewhere on the machine falls on both sides alike.
  const pageBest = [];
  const nodeBest = [];
  const format = (rates) => rates.map((rate) => rate.toFixed(0)).join(', ');
  try {
    for (let round = 1; round <= rounds; round++) {
      const pageRates = await runPage();
      const nodeRates = await runNode();
      pageBest.push(best(pageRates));
      nodeBest.push(best(nodeRates));
      console.log(
        `round ${round}: page ${format(pageRates)} | node ${format(nodeRates)} images/s per epoch (the first is warm-up)`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const [pageRate, nodeRate] = [Math.max(...pageBest), Math.max(...nodeBest)];
  console.log(
    `course CNN, SGD, batch ${batchSize}, ${images} images/epoch, ${epochs} epochs, ${rounds} rounds; best epoch after warm-up:`,
  );
  console.log(`  page (worker, wasm, ${threads} threads): ${pageRate.toFixed(0)} images/s`);
  console.log(`  node (wasm, ${threads} threads):          ${nodeRate.toFixed(0)} images/s`);
  console.log(`  page / node: ${(pageRate / nodeRate).toFixed(2)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
