import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBundle } from './support/browser-bundle';
import { chromiumAvailable, launchChromium } from './support/chromium';
import { startTestServer, type TestServer } from './support/server';

// A console on another origin, in a real browser: a page served from a second local server
// signs in to the platform with fetch and calls it through the SDK with credentials 'include'.
// Only CORS (preflights, credentials, exposed headers) lets that work, and a page from an
// origin not listed must be stopped by the browser.
const hasChromium = chromiumAvailable('the SDK browser test');

const PASSWORD = 'a long enough passphrase';
const EMAIL = 'browser.person@takst.example';

/** What a page runs, as a browser runs it: plain JavaScript, the SDK's bundle as `TakstSdk`. */
const CONSOLE_SCRIPT = `
const outcome = {};
try {
  const signIn = await fetch(PLATFORM + '/auth/sign-in', {
    method: 'POST',
    credentials: 'include',
    headers: { 'content-type': 'application/json', 'x-takst-csrf': '1' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  outcome.signIn = { status: signIn.status, requestId: signIn.headers.get('x-request-id') };
  outcome.cookieVisibleToScript = document.cookie.includes('takst_session');
  const takst = TakstSdk.createTakstClient({ baseUrl: PLATFORM, credentials: 'include', maxRetries: 0 });
  const me = await takst.me.get.query();
  outcome.me = { via: me.via, email: me.user && me.user.email };
  const party = await takst.parties.create.mutate({ kind: 'person', name: 'Kari Nettleser' });
  outcome.party = { id: party.id, name: party.name };
  const missing = await takst.assignments.get.query({ id: '01900000-0000-7000-8000-000000000000' }).catch((e) => e);
  outcome.missing = { code: missing.code, httpStatus: missing.httpStatus, requestId: missing.requestId };
} catch (error) {
  outcome.error = String((error && error.stack) || error);
}
window.outcome = outcome;
`;

const STRANGER_SCRIPT = `
const outcome = {};
try {
  await fetch(PLATFORM + '/auth/sign-in', {
    method: 'POST',
    credentials: 'include',
    headers: { 'content-type': 'application/json', 'x-takst-csrf': '1' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  outcome.signIn = 'answered';
} catch (error) {
  outcome.signIn = error instanceof TypeError ? 'blocked' : String(error);
}
const takst = TakstSdk.createTakstClient({ baseUrl: PLATFORM, credentials: 'include', maxRetries: 0 });
outcome.me = await takst.me.get.query().then(() => 'answered', (error) => error.code);
window.outcome = outcome;
`;

/** A page server: `/` runs `script` once the SDK's bundle (`/sdk.js`) has loaded. */
async function pageServer(bundle: string, script: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (req.url === '/') {
      const html = `<!doctype html><html><head><script src="/sdk.js"></script></head><body>
<script type="module">${script()}</script></body></html>`;
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(!hasChromium)('the SDK in a real browser, on a page from another origin', () => {
  let platform: TestServer;
  let browser: Browser;
  const pages: Server[] = [];
  let consoleOrigin: string;
  let strangerOrigin: string;

  beforeAll(async () => {
    const bundle = await browserBundle({
      entryPoints: [fileURLToPath(new URL('../../../packages/sdk/src/index.ts', import.meta.url))],
    });
    const constants = () =>
      `const PLATFORM = ${JSON.stringify(platform.url)}, EMAIL = ${JSON.stringify(EMAIL)}, PASSWORD = ${JSON.stringify(PASSWORD)};`;
    const consolePage = await pageServer(bundle, () => constants() + CONSOLE_SCRIPT);
    const strangerPage = await pageServer(bundle, () => constants() + STRANGER_SCRIPT);
    pages.push(consolePage.server, strangerPage.server);
    consoleOrigin = consolePage.origin;
    strangerOrigin = strangerPage.origin;

    platform = await startTestServer({ env: { TAKST_CORS_ORIGINS: consoleOrigin } });
    const invited = await platform.admin.users.create.mutate({
      email: EMAIL,
      name: 'Browser Person',
      roles: ['admin'],
    });
    const set = await fetch(`${platform.url}/auth/set-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-takst-csrf': '1' },
      body: JSON.stringify({ token: invited.setPasswordToken, password: PASSWORD }),
    });
    expect(set.status).toBe(200);

    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const page of pages) page.closeAllConnections();
    await Promise.all(pages.map((page) => new Promise((resolve) => page.close(resolve))));
    await platform?.close();
  });

  async function outcomeOf(origin: string): Promise<Record<string, unknown>> {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => 'outcome' in globalThis, undefined, { timeout: 20_000 });
      return (await page.evaluate('window.outcome')) as Record<string, unknown>;
    } finally {
      await context.close();
    }
  }

  it('signs in with fetch and calls a query and a mutation with the session cookie', async () => {
    const outcome = await outcomeOf(consoleOrigin);
    expect(outcome.error).toBeUndefined();
    // The answer's x-request-id is readable: it is among the exposed headers.
    expect(outcome.signIn).toEqual({ status: 200, requestId: expect.any(String) });
    expect(outcome.cookieVisibleToScript).toBe(false);
    expect(outcome.me).toEqual({ via: 'session', email: EMAIL });
    const party = outcome.party as { id: string; name: string };
    expect(party.name).toBe('Kari Nettleser');
    expect((await platform.admin.parties.get.query({ id: party.id })).name).toBe('Kari Nettleser');
    // A refusal reaches the page as the platform's error, not as a network failure.
    expect(outcome.missing).toEqual({ code: 'ASSIGNMENT_NOT_FOUND', httpStatus: 404, requestId: expect.any(String) });
  }, 60_000);

  it('is stopped by the browser on a page from an origin not listed', async () => {
    const outcome = await outcomeOf(strangerOrigin);
    expect(outcome).toEqual({ signIn: 'blocked', me: 'NETWORK_ERROR' });
  }, 60_000);
});
