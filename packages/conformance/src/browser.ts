import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium: the browser every browser test drives (playwright never downloads one here). */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Headless flags for these machines. Without the background-networking ones Chromium keeps dialling Google's hosts,
 * which a closed network refuses many at a time; running as root needs --no-sandbox.
 */
export const chromiumArguments: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A browser suite: skipped, with the reason in its name, where Chromium is not installed, except under CI (whose
 * .ci/run installs it), where a missing Chromium is an error rather than a silent skip.
 */
export function describeInChromium(name: string, body: () => void): void {
  const available = existsSync(chromiumPath);
  if (!available && process.env.CI) throw new Error(`${chromiumPath} is missing in CI: .ci/run installs Debian's chromium`);
  if (available) describe(name, body);
  else describe.skip(`${name} (skipped: ${chromiumPath} is not installed)`, body);
}

/** Launches headless Chromium through playwright-core with the flags above, plus any given. */
export async function launchChromium(extraArguments: readonly string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath, args: [...chromiumArguments, ...extraArguments] });
}
