import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { describe, expect } from 'vitest';

/**
 * What the browser tests share: Debian's Chromium driven by playwright-core, the production build made with Vite,
 * and small readers of the page's state. Where Chromium is not installed the suites are skipped and say so, except in
 * CI (.ci/run installs it), where that fails.
 */

export const chromiumPath = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(chromiumPath);
if (!chromiumAvailable && process.env.CI)
  throw new Error(`${chromiumPath} is missing in CI: .ci/run should have installed Debian's chromium`);

/** `describe` where Chromium is installed; otherwise a skipped suite whose name says why. */
export function browserSuite(name: string, body: () => void): void {
  if (chromiumAvailable) describe(name, body);
  else describe.skip(`${name} (skipped: ${chromiumPath} is not installed)`, body);
}

export const appRoot = fileURLToPath(new URL('..', import.meta.url));

/** The production build, as `pnpm --filter playground build` makes it, into `outDir`. */
export async function buildPage(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    root: appRoot,
    configFile: `${appRoot}vite.config.ts`,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

const baseFlags = [
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Browsers and pages a suite opens, closed (and checked for uncaught page errors) by `close()` in its afterAll. */
export class BrowserHarness {
  private readonly cleanup: Array<() => Promise<unknown> | unknown> = [];

  /** Runs `step` when the suite closes, after what the tests opened has closed. */
  defer(step: () => Promise<unknown> | unknown): void {
    this.cleanup.push(step);
  }

  async launch(flags: string[]): Promise<Browser> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath, args: [...baseFlags, ...flags] });
    this.cleanup.push(() => browser.close());
    return browser;
  }

  /** Opens the page at `origin` and waits until the worker has said what this browser offers. */
  async openPage(browser: Browser, origin: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    this.cleanup.push(() => expect(pageErrors).toEqual([]));
    await page.goto(`${origin}/`);
    await page.waitForSelector('#capabilities li[data-capability]', { timeout: 30_000 });
    return page;
  }

  async close(): Promise<void> {
    for (const step of this.cleanup.reverse()) await step();
  }
}

export const waitForState = (page: Page, states: string[], timeout = 60_000) =>
  page.waitForFunction((wanted) => wanted.includes(document.body.dataset.state ?? ''), states, { timeout, polling: 50 });

export const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim() ?? '';

export const dataset = (page: Page, selector: string) =>
  page.$eval(selector, (element) => ({ ...(element as HTMLElement).dataset }) as Record<string, string>);

/** Sets form fields by id: selects by value, inputs by typing. */
export async function configure(page: Page, values: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(values)) {
    if (await page.$eval(`#${id}`, (element) => element.tagName === 'SELECT')) await page.selectOption(`#${id}`, value);
    else await page.fill(`#${id}`, value);
  }
}

/** The problem message the page shows, once it shows one. */
export async function problemText(page: Page): Promise<string> {
  await page.waitForSelector('.message.problem', { timeout: 30_000 });
  return text(page, '.message.problem');
}

/** The problem message the page shows, once it shows one, in its two parts: what happened, and what to do. */
export async function problemReport(page: Page): Promise<{ what: string; todo: string }> {
  await page.waitForSelector('.message.problem', { timeout: 30_000 });
  return { what: await text(page, '.message.problem strong'), todo: await text(page, '.message.problem p') };
}

/** The page's messages of a kind ('problem' or 'notice'), as they read now. */
export const messageTexts = (page: Page, kind: 'problem' | 'notice') =>
  page.$$eval(`.message.${kind}`, (boxes) => boxes.map((box) => box.textContent?.trim() ?? ''));
