import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); .ci/run installs it. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests can run here. In CI a missing browser is a failure, not a reason to
 * skip; on a developer's machine without it, the tests skip with a line saying how to get it.
 */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)`);
  console.warn(`Skipping ${what}: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  return false;
}

/** Headless Chromium without anything that reaches beyond this machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
