import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { seriousViolations } from './axe';
import { TEST_PASSWORD, type TestPerson } from './people';

/**
 * Where the pages' screenshots go: docs/console/ when TAKST_CONSOLE_SCREENSHOTS=1 (to refresh
 * the ones the docs show), else a scratch folder, so that a test run leaves the tree unchanged.
 */
export const SCREENSHOT_DIR = process.env.TAKST_CONSOLE_SCREENSHOTS
  ? fileURLToPath(new URL('../../../../docs/console/', import.meta.url))
  : path.join(process.env.TMPDIR ?? '/tmp', 'takst-console-screenshots');

/** A browser window of its own (cookies and all) for one person, signed in through the sign-in page. */
export async function signInAs(browser: Browser, baseUrl: string, person: TestPerson): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1366, height: 900 },
    locale: 'nb-NO',
    timezoneId: 'Europe/Oslo',
  });
  const page = await context.newPage();
  await page.goto('/');
  await expect.poll(() => new URL(page.url()).pathname).toBe('/logg-inn');
  await page.getByLabel('E-post').fill(person.email);
  await page.getByLabel('Passord').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Logg inn', exact: true }).click();
  await page.getByRole('navigation', { name: 'Hovedmeny' }).waitFor();
  return page;
}

/**
 * The checks every page gets: no serious or critical accessibility violation (axe-core), and a
 * screenshot under `name`.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  // Not 'networkidle': the live event stream keeps a request open for as long as the page lives.
  await page.waitForFunction(() => !(document.body.textContent ?? '').includes('Laster …'), undefined, {
    timeout: 15_000,
  });
  const violations = await seriousViolations(page);
  expect(violations, `accessibility of ${name}`).toEqual([]);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
