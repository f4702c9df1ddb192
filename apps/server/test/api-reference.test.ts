import { gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  firstShownOperation,
  type OpenApiDocument,
  openApiReference,
  type ReferenceVisit,
  waitForReference,
} from './support/api-reference-page';
import { chromiumAvailable, launchChromium } from './support/chromium';
import { startTestServer, type TestServer } from './support/server';

const hasChromium = chromiumAvailable('the API reference browser test');

let server: TestServer;
let openapi: OpenApiDocument;
beforeAll(async () => {
  server = await startTestServer();
  openapi = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as OpenApiDocument;
});
afterAll(() => server?.close());

/** The page's CSP as directive → sources. */
function directives(policy: string | null): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const directive of (policy ?? '').split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) parsed.set(name, sources);
  }
  return parsed;
}

/** The script URLs a page names, in order. */
const scriptsOf = (html: string) =>
  [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((match) => match[1] as string);

describe('the API reference at /docs, over HTTP', () => {
  it('answers /docs and /docs/ with an uncached HTML page under a CSP that allows only this host', async () => {
    for (const path of ['/docs', '/docs/']) {
      const response = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control'), path).toBe('no-store');
      const html = await response.text();
      expect(html, path).toContain('<title>Takst Platform API</title>');
      // Not the console's page, which would otherwise answer a browser's every unknown path.
      expect(html, path).not.toContain('<div id="app"></div>');

      const csp = directives(response.headers.get('content-security-policy'));
      expect(csp.get('default-src'), path).toEqual(["'none'"]);
      expect(csp.get('script-src'), path).toEqual(["'self'"]);
      expect(csp.get('connect-src'), path).toEqual(["'self'"]);
      expect(csp.get('img-src'), path).toEqual(["'self'", 'data:']);
      expect(csp.get('font-src'), path).toEqual(["'self'"]);
      expect(csp.get('object-src'), path).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
      const nonce = html.match(/<script nonce="([^"]+)"/)?.[1];
      expect(nonce, path).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(csp.get('style-src'), path).toEqual(["'self'", `'nonce-${nonce}'`]);
      // No inline script for the CSP to allow: every script is a file, or JSON that never runs.
      expect(html.match(/<script(?![^>]*\ssrc=)(?![^>]*type="application\/json")[^>]*>/g), path).toBeNull();
      expect(JSON.stringify([...csp.values()]), path).not.toMatch(/unsafe-eval|https?:|\*/);
    }
  });

  it('gives every answer a nonce of its own', async () => {
    const nonces = await Promise.all(
      [1, 2, 3].map(async () => {
        const csp = (await fetch(`${server.url}/docs`)).headers.get('content-security-policy') ?? '';
        return csp.match(/'nonce-([^']+)'/)?.[1];
      }),
    );
    expect(new Set(nonces).size).toBe(3);
  });

  it('serves the renderer and its boot script from this host, versioned and cached for good', async () => {
    const scripts = scriptsOf(await (await fetch(`${server.url}/docs`)).text());
    expect(scripts).toHaveLength(2);
    expect(scripts[1]).toMatch(/^\/docs\/assets\/scalar-api-reference-\d+\.\d+\.\d+\.js$/);
    for (const script of scripts) {
      const response = await fetch(`${server.url}${script}`);
      expect(response.status, script).toBe(200);
      expect(response.headers.get('content-type'), script).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('cache-control'), script).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options'), script).toBe('nosniff');
    }
    const bundle = await fetch(`${server.url}${scripts[1]}`, { headers: { 'accept-encoding': 'identity' } });
    const plain = Buffer.from(await bundle.arrayBuffer());
    expect(bundle.headers.get('content-encoding')).toBeNull();
    expect(plain.toString('utf8', 0, 1000)).toContain('@scalar/api-reference');
    // gzip for a browser that takes it (undici would undo it, so node:http's raw bytes are read).
    const { request } = await import('node:http');
    const compressed = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      request(`${server.url}${scripts[1]}`, { headers: { 'accept-encoding': 'gzip, br' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }),
        );
      })
        .on('error', reject)
        .end();
    });
    expect(compressed.encoding).toBe('gzip');
    expect(compressed.body.length).toBeLessThan(plain.length / 2);
    expect(gunzipSync(compressed.body).equals(plain)).toBe(true);
  });

  it('refuses other methods and answers unknown paths under /docs with the JSON 404, not the console', async () => {
    const posted = await fetch(`${server.url}/docs`, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
    for (const path of ['/docs/assets/missing.js', '/docs/somewhere']) {
      const response = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toBe('application/problem+json');
    }
  });
});

describe.skipIf(!hasChromium)('the API reference at /docs, in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  let visit: ReferenceVisit | undefined;
  afterAll(() => visit?.context.close());

  /**
   * The one CSP refusal expected: a feature test in Scalar's bundle (`new Function('')`, to see
   * whether eval may be used), which copes with the refusal.
   */
  const unexpected = (violations: string[]) => violations.filter((violation) => violation !== 'script-src eval');

  it('renders the live OpenAPI document with nothing from another host, no error and no CSP refusal', async () => {
    visit = await openApiReference(browser, server.url);
    const { page } = visit;
    await waitForReference(page, openapi);
    expect(await page.title()).toBe('Takst Platform API');

    const operation = firstShownOperation(openapi);
    expect(operation.summary, `${operation.method} ${operation.path} has a summary`).toBeTruthy();
    await page
      .getByText(operation.summary as string, { exact: true })
      .first()
      .waitFor({ state: 'visible', timeout: 10_000 });
    // Styled: the CSS Scalar adds as <style> elements applied (they passed the CSP by the nonce).
    const styled = await page.evaluate(() => ({
      theme: getComputedStyle(document.body).getPropertyValue('--scalar-background-1').trim(),
      styleElements: document.querySelectorAll('style').length,
    }));
    expect(styled.theme).not.toBe('');
    expect(styled.styleElements).toBeGreaterThan(0);

    expect(visit.foreignRequests).toEqual([]);
    expect(visit.errors).toEqual([]);
    expect(unexpected(visit.violations)).toEqual([]);
  });

  it('sends a "Test Request" to this server only, at the document\'s server URL', async () => {
    if (!visit) throw new Error('the page did not open');
    const { page } = visit;
    const serverPath = new URL(openapi.servers?.[0]?.url ?? '/', server.url).pathname;
    await page
      .getByRole('button', { name: /test request/i })
      .first()
      .click();
    const sent = page.waitForRequest((request) => request.url().includes(serverPath), { timeout: 10_000 });
    await page.getByRole('button', { name: /^send/i }).first().click();
    const request = await sent;
    expect(new URL(request.url()).origin).toBe(new URL(server.url).origin);
    // Answered by this server's API (unauthenticated here, so most likely a 401 problem).
    const status = (await request.response())?.status() ?? 0;
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(500);
    expect(visit.foreignRequests).toEqual([]);
    expect(unexpected(visit.violations)).toEqual([]);
  });
});
