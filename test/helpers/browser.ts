// A real Chromium for page tests (Debian's, driven by playwright-core): absent, a suite is skipped with a
// warning, or fails when $CI is set (.ci/run installs it). Every request the page makes is recorded, so a
// test can assert that nothing left the page's own origin.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { inCi } from './corpus.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Where page tests save their screenshots (git-ignored), for a person to look at. */
export const TEST_OUTPUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-output');

export async function launchChromium(suiteName: string): Promise<Browser | null> {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} not found (apt-get install chromium)`;
    if (inCi()) throw new Error(`[${suiteName}] ${why}: CI is set, so the suite fails instead of skipping`);
    console.warn(`[${suiteName}] ${why}: suite skipped`);
    return null;
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export function outputPath(name: string): string {
  mkdirSync(TEST_OUTPUT, { recursive: true });
  return join(TEST_OUTPUT, name);
}
