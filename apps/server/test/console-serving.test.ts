import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONSOLE_DIR } from '../src/console';
import { startTestServer, type TestServer } from './support/server';

// The console is built before the server's tests (it is a dev dependency of @takst/server, and
// turbo builds dependencies first).
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const page = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { ...init, headers: { accept: 'text/html', ...init.headers } });

describe('the console at /', () => {
  it('serves its page at / and at every page of its own, uncached, so a reload or a shared link works', async () => {
    for (const path of ['/', '/oppdrag', '/oppdrag/01900000-0000-7000-8000-000000000000/rapport', '/logg-inn']) {
      const response = await page(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
      expect(await response.text(), path).toContain('<div id="app"></div>');
    }
  });

  it('serves its hashed assets to be cached for good', async () => {
    const asset = readdirSync(`${DEFAULT_CONSOLE_DIR}/assets`).find((file) => file.endsWith('.js'));
    const response = await fetch(`${server.url}/assets/${asset}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('leaves the API its own answers: JSON 404s, never the console page', async () => {
    for (const path of ['/api/nothing', '/api/v1/nothing', '/trpc', '/auth/nothing', '/healthz/more']) {
      const response = await page(path);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/(problem\+)?json/);
    }
    const unknownAsset = await fetch(`${server.url}/assets/missing.js`);
    expect(unknownAsset.status).toBe(404);
    expect(unknownAsset.headers.get('content-type')).toBe('application/problem+json');
    const posted = await page('/oppdrag', { method: 'POST' });
    expect(posted.status).toBe(404);
    // A client that takes anything is an API client: an unknown path is the JSON 404.
    const anything = await fetch(`${server.url}/no-such-page`, { headers: { accept: '*/*' } });
    expect(anything.status).toBe(404);
    expect(anything.headers.get('content-type')).toBe('application/problem+json');
  });
});
