import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

// CORS for the origins in TAKST_CORS_ORIGINS: preflights answered, real answers (errors too)
// readable by the page, every other origin refused without a grant.
const CONSOLE = 'https://console.takst.example';
const DEV = 'http://localhost:5173';
const STRANGER = 'https://elsewhere.example';

let server: TestServer;
/** Every tRPC call through tRPC's Express adapter, not the fast path. */
let adapterOnly: TestServer;
/** One call, then 429 for a long while. */
let limited: TestServer;
/** No origins listed. */
let closed: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { TAKST_CORS_ORIGINS: `${CONSOLE}, ${DEV}` } });
  adapterOnly = await startTestServer({
    sharing: server,
    env: { TAKST_CORS_ORIGINS: CONSOLE, TAKST_TRPC_FAST_PATH: 'false' },
  });
  limited = await startTestServer({
    sharing: server,
    env: { TAKST_CORS_ORIGINS: CONSOLE, TAKST_RATE_LIMIT_PER_SECOND: '0.01', TAKST_RATE_LIMIT_BURST: '1' },
  });
  closed = await startTestServer({ sharing: server });
});
afterAll(async () => {
  for (const one of [closed, limited, adapterOnly, server]) await one?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** node:http: fetch would not let a test send Origin or an OPTIONS preflight by hand. */
function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const preflight = (base: string, path: string, origin: string, method = 'POST') =>
  send(base, 'OPTIONS', path, {
    origin,
    'access-control-request-method': method,
    'access-control-request-headers': 'authorization,content-type,x-takst-csrf',
  });

const corsHeadersOf = (answer: Answer) =>
  Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));

const listOf = (value: string | string[] | undefined) =>
  String(value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');

const PREFLIGHTED = ['/trpc/assignments.create', '/auth/sign-in', '/api/assignments/export.ndjson', '/metrics'];

describe('a preflight from a listed origin', () => {
  it.each(PREFLIGHTED)('to %s is 204 with the grant, naming the origin', async (path) => {
    for (const [base, origin] of [
      [server.url, CONSOLE],
      [server.url, DEV],
      [adapterOnly.url, CONSOLE],
    ] as const) {
      const answer = await preflight(base, path, origin, path.startsWith('/api') ? 'GET' : 'POST');
      expect(answer.status, `${base} ${origin}`).toBe(204);
      expect(answer.text).toBe('');
      expect(answer.headers['access-control-allow-origin']).toBe(origin);
      expect(answer.headers['access-control-allow-credentials']).toBe('true');
      expect(listOf(answer.headers['access-control-allow-methods'])).toEqual([
        'get',
        'post',
        'put',
        'patch',
        'delete',
        'head',
      ]);
      expect(listOf(answer.headers['access-control-allow-headers'])).toEqual(
        expect.arrayContaining([
          'authorization',
          'content-type',
          'idempotency-key',
          'x-request-id',
          'x-takst-acting-for',
          'x-takst-csrf',
          'last-event-id',
          'trpc-accept',
        ]),
      );
      expect(Number(answer.headers['access-control-max-age'])).toBeGreaterThan(0);
      expect(listOf(answer.headers.vary)).toContain('origin');
      expect(answer.headers['x-request-id']).toEqual(expect.any(String));
    }
  });

  it('lists the headers it takes instead of echoing the ones asked for', async () => {
    const answer = await send(server.url, 'OPTIONS', '/trpc/assignments.create', {
      origin: CONSOLE,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'x-something-else,content-type',
    });
    expect(answer.status).toBe(204);
    expect(listOf(answer.headers['access-control-allow-headers'])).not.toContain('x-something-else');
  });
});

describe('a preflight from an origin not listed', () => {
  it.each(PREFLIGHTED)('to %s is refused with CORS_ORIGIN_REFUSED and no grant', async (path) => {
    for (const [base, origin] of [
      [server.url, STRANGER],
      [server.url, 'null'],
      // Listed on one server is not listed on another.
      [adapterOnly.url, DEV],
    ] as const) {
      const answer = await send(base, 'OPTIONS', path, {
        origin,
        'access-control-request-method': 'POST',
        'x-request-id': 'preflight-refused',
      });
      expect(answer.status, `${base} ${origin}`).toBe(403);
      expect(corsHeadersOf(answer)).toEqual([]);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(answer.text)).toEqual({
        type: 'urn:takst:error:CORS_ORIGIN_REFUSED',
        title: 'Forbidden',
        status: 403,
        detail: expect.stringContaining(origin),
        code: 'FORBIDDEN',
        errorCode: 'CORS_ORIGIN_REFUSED',
        requestId: 'preflight-refused',
      });
    }
  });

  it('is not mistaken for one: an OPTIONS without Origin or a requested method keeps its 405', async () => {
    const notPreflights: Record<string, string>[] = [
      {},
      { origin: CONSOLE },
      { 'access-control-request-method': 'POST' },
    ];
    for (const headers of notPreflights) {
      const answer = await send(server.url, 'OPTIONS', '/trpc/assignments.create', headers);
      expect(answer.status).toBe(405);
      expect(JSON.parse(answer.text).error.data).toMatchObject({ errorCode: 'METHOD_NOT_SUPPORTED' });
      // From a listed origin it is a request like any other, whose refusal the page may read.
      expect(answer.headers['access-control-allow-origin']).toBe('origin' in headers ? CONSOLE : undefined);
      expect(answer.headers['access-control-allow-methods']).toBeUndefined();
    }
  });
});

describe('an answer to a listed origin', () => {
  it('grants it and exposes x-request-id and retry-after, on the fast path and through the adapter', async () => {
    for (const base of [server.url, adapterOnly.url]) {
      const answer = await send(base, 'GET', '/trpc/me.get', {
        origin: CONSOLE,
        authorization: `Bearer ${server.adminKey}`,
      });
      expect(answer.status, base).toBe(200);
      expect(answer.headers['access-control-allow-origin']).toBe(CONSOLE);
      expect(answer.headers['access-control-allow-credentials']).toBe('true');
      expect(listOf(answer.headers['access-control-expose-headers'])).toEqual(
        expect.arrayContaining(['x-request-id', 'retry-after']),
      );
      // tRPC's adapter sets a Vary of its own; Origin must stay in it.
      expect(listOf(answer.headers.vary), base).toContain('origin');
    }
  });

  it('grants refusals too, so the page can read a 401, a 403 or a 429', async () => {
    const refusals = [
      await send(server.url, 'GET', '/trpc/assignments.list', { origin: CONSOLE }),
      await send(adapterOnly.url, 'GET', '/trpc/assignments.list', { origin: CONSOLE }),
      await send(server.url, 'GET', '/api/assignments/export.ndjson', { origin: CONSOLE }),
      await send(server.url, 'GET', '/metrics', { origin: CONSOLE }),
      await send(
        server.url,
        'POST',
        '/auth/sign-in',
        { origin: CONSOLE, 'content-type': 'application/json' },
        JSON.stringify({ email: 'nobody@takst.example', password: 'not the password' }),
      ),
      await send(server.url, 'GET', '/nothing/here', { origin: CONSOLE }),
    ];
    expect(refusals.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 403, 404]);
    for (const answer of refusals) {
      expect(answer.headers['access-control-allow-origin']).toBe(CONSOLE);
      expect(answer.headers['access-control-allow-credentials']).toBe('true');
      expect(listOf(answer.headers['access-control-expose-headers'])).toContain('x-request-id');
    }

    const { apiKey } = await server.admin.apiClients.create.mutate({ name: 'cors 429', scopes: ['assignments:read'] });
    const call = () =>
      send(limited.url, 'GET', '/trpc/assignments.list', { origin: CONSOLE, authorization: `Bearer ${apiKey}` });
    expect((await call()).status).toBe(200);
    const throttled = await call();
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(listOf(throttled.headers['access-control-expose-headers'])).toContain('retry-after');
  });

  it('gives another origin no grant at all, only Vary: Origin', async () => {
    for (const origin of [STRANGER, 'null']) {
      const answer = await send(server.url, 'GET', '/trpc/me.get', {
        origin,
        authorization: `Bearer ${server.adminKey}`,
      });
      // The call itself is not refused: an API key is no cookie, and the browser withholds the answer.
      expect(answer.status).toBe(200);
      expect(corsHeadersOf(answer)).toEqual([]);
      expect(listOf(answer.headers.vary)).toContain('origin');
    }
  });
});

describe('with no origins listed', () => {
  it('adds no CORS header to anything, and refuses every preflight', async () => {
    const answers = [
      await send(closed.url, 'GET', '/trpc/me.get', { origin: CONSOLE, authorization: `Bearer ${server.adminKey}` }),
      await send(closed.url, 'GET', '/trpc/assignments.list', { origin: CONSOLE }),
      await send(closed.url, 'GET', '/healthz', { origin: CONSOLE }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 200]);
    for (const answer of answers) {
      expect(corsHeadersOf(answer)).toEqual([]);
      expect(listOf(answer.headers.vary)).not.toContain('origin');
    }
    const refused = await preflight(closed.url, '/trpc/assignments.create', CONSOLE);
    expect(refused.status).toBe(403);
    expect(corsHeadersOf(refused)).toEqual([]);
    expect(JSON.parse(refused.text).errorCode).toBe('CORS_ORIGIN_REFUSED');
  });
});
