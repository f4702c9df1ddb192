import type { Browser, BrowserContext, Page } from 'playwright-core';

/** The parts of an OpenAPI document the reference page is checked against. */
export interface OpenApiDocument {
  info: { title: string };
  servers?: { url: string }[];
  tags?: { name: string }[];
  paths: Record<string, Record<string, { summary?: string; operationId?: string; tags?: string[] }>>;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

export interface Operation {
  method: string;
  path: string;
  summary?: string;
  tags?: string[];
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]) => ({ method, path, summary: operation.summary, tags: operation.tags })),
  );
}

/**
 * The operation the reference shows without a click: the first of the first tag (Scalar opens
 * the first tag's group), or the very first operation when nothing is tagged.
 */
export function firstShownOperation(document: OpenApiDocument): Operation {
  const operations = operationsOf(document);
  const firstTag = document.tags?.[0]?.name ?? operations.find((operation) => operation.tags?.length)?.tags?.[0];
  const first = operations.find((operation) => firstTag === undefined || operation.tags?.includes(firstTag));
  if (!first) throw new Error('the OpenAPI document has no operation');
  return first;
}

export interface ReferenceVisit {
  context: BrowserContext;
  page: Page;
  /** Every request to a host other than the server's (each was aborted). */
  foreignRequests: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Content-Security-Policy violations, as `directive blocked-uri`. */
  violations: string[];
}

declare global {
  interface Window {
    reportCspViolation?: (violation: string) => void;
  }
}

/**
 * Opens `/docs` in a window of its own (1440×900, light, English), with every request to
 * another host aborted and recorded, and console errors and CSP violations collected.
 */
export async function openApiReference(browser: Browser, baseUrl: string): Promise<ReferenceVisit> {
  const origin = new URL(baseUrl).origin;
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    colorScheme: 'light',
    locale: 'en-GB',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
  });
  const visit: ReferenceVisit = {
    context,
    page: await context.newPage(),
    foreignRequests: [],
    errors: [],
    violations: [],
  };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    visit.foreignRequests.push(url);
    return route.abort('blockedbyclient');
  });
  visit.page.on('console', (message) => {
    if (message.type() === 'error') visit.errors.push(message.text());
  });
  visit.page.on('pageerror', (error) => visit.errors.push(String(error)));
  await visit.page.exposeFunction('reportCspViolation', (violation: string) => visit.violations.push(violation));
  await visit.page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.reportCspViolation?.(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });
  await visit.page.goto(`${baseUrl}/docs`);
  return visit;
}

/**
 * Waits until the reference has rendered and gone still: the document's title as its heading,
 * no request in flight, the fonts loaded, and two frames painted after that.
 */
export async function waitForReference(page: Page, openapi: OpenApiDocument): Promise<void> {
  await page.getByRole('heading', { level: 1, name: openapi.info.title }).waitFor({ timeout: 20_000 });
  await page.waitForLoadState('networkidle');
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
}
