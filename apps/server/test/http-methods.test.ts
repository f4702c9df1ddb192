import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

// Methods and media types the API does not take: refused with a stable code and the request
// id, without a stack trace in the error log for anyone to flood it with.
let server: TestServer;
/** The same API without the fast path: every tRPC call through tRPC's Express adapter. */
let adapterOnly: TestServer;
const logLines: string[] = [];
beforeAll(async () => {
  server = await startTestServer({
    env: { LOG_LEVEL: 'info' },
    logTo: { write: (line: string) => logLines.push(line) },
  });
  adapterOnly = await startTestServer({ sharing: server, env: { TAKST_TRPC_FAST_PATH: 'false' } });
});
afterAll(async () => {
  await adapterOnly?.close();
  await server?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: {
    /** tRPC's envelope, on /trpc. */
    error?: { message: string; data?: Record<string, unknown>; errorCode?: string; requestId?: string };
    /** Problem details, everywhere else. */
    errorCode?: string;
    requestId?: string;
  };
}

/** node:http, since fetch refuses to send TRACE. */
function send(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
  base = server.url,
) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers: init.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const logged = (requestId: string) =>
  logLines.filter((line) => line.includes(requestId)).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('a method the API does not take', () => {
  it.each(['TRACE', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])(
    '%s /trpc/… is 405 METHOD_NOT_SUPPORTED with the request id, logged without an error or a stack',
    async (method) => {
      const requestId = `method-${method}`;
      const answer = await send(method, '/trpc/x', { headers: { 'x-request-id': requestId } });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD, POST');
      expect(answer.body.error?.data).toMatchObject({
        code: 'METHOD_NOT_SUPPORTED',
        errorCode: 'METHOD_NOT_SUPPORTED',
        httpStatus: 405,
        requestId,
      });
      const lines = logged(requestId);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line.level as number).toBeLessThanOrEqual(40);
        expect(JSON.stringify(line)).not.toContain('"stack"');
      }
    },
  );

  it('is 405 on the other paths too', async () => {
    const answer = await send('DELETE', '/healthz', { headers: { 'x-request-id': 'delete-healthz' } });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
    expect(answer.body).toMatchObject({ errorCode: 'METHOD_NOT_SUPPORTED', requestId: 'delete-healthz' });
  });

  it.each([
    ['with the fast path', () => server.url],
    ['through the Express adapter only', () => adapterOnly.url],
  ])(
    'sends a query as POST or a mutation as GET back as 405 METHOD_NOT_SUPPORTED, not INTERNAL, %s',
    async (_, base) => {
      const key = { authorization: `Bearer ${server.adminKey}` };
      const json = { ...key, 'content-type': 'application/json' };
      const wrongWays = [
        ['POST', '/trpc/assignments.list', json, '{}', 'GET'],
        ['POST', '/trpc/me.get', key, undefined, 'GET'],
        ['GET', '/trpc/parties.create', key, undefined, 'POST'],
        ['GET', `/trpc/parties.create?input=${encodeURIComponent('{"name":"Kari"}')}`, key, undefined, 'POST'],
      ] as const;
      for (const [method, path, headers, body, allow] of wrongWays) {
        const requestId = `wrong-way-${method}-${path.length}`;
        const answer = await send(method, path, { headers: { ...headers, 'x-request-id': requestId }, body }, base());
        expect(answer.status, `${method} ${path}`).toBe(405);
        expect(answer.headers.allow).toBe(allow);
        expect(answer.body.error?.data).toMatchObject({
          code: 'METHOD_NOT_SUPPORTED',
          errorCode: 'METHOD_NOT_SUPPORTED',
          requestId,
        });
        expect(answer.body.error?.message).not.toMatch(/internal/i);
      }
      // In a batch, each call is refused so.
      const batch = await send('POST', '/trpc/assignments.list,me.get?batch=1', { headers: json, body: '{}' }, base());
      expect(batch.status).toBe(405);
      for (const call of batch.body as unknown as { error: { data: Record<string, unknown> } }[]) {
        expect(call.error.data).toMatchObject({ errorCode: 'METHOD_NOT_SUPPORTED', requestId: expect.any(String) });
      }
      const found = await server.admin.parties.search.query({ q: 'Kari' });
      expect(found.items).toHaveLength(0);
    },
  );
});

describe('every refusal carries the request id', () => {
  const key = () => ({ authorization: `Bearer ${server.adminKey}` });
  const json = { 'content-type': 'application/json' };
  const csrf = { ...json, 'x-takst-csrf': '1' };
  // [what, method, path, headers, body, status]
  const refusals: [string, string, string, () => Record<string, string>, string | undefined, number][] = [
    [
      'a tRPC body that is not JSON',
      'POST',
      '/trpc/parties.create',
      () => ({ ...key(), 'content-type': 'text/plain' }),
      '{}',
      415,
    ],
    [
      'a tRPC body over 5 MB',
      'POST',
      '/trpc/parties.create',
      () => ({ ...key(), ...json }),
      'x'.repeat(5 * 1024 * 1024 + 1),
      413,
    ],
    ['a method tRPC does not take', 'PUT', '/trpc/parties.create', key, undefined, 405],
    ['an unknown procedure', 'GET', '/trpc/nothing.here', key, undefined, 404],
    ['an unknown route', 'GET', '/nothing/here', () => ({}), undefined, 404],
    [
      'a streaming call that is not a batch',
      'GET',
      '/trpc/me.get',
      () => ({ ...key(), 'trpc-accept': 'application/jsonl' }),
      undefined,
      400,
    ],
    ['connection params that are not JSON', 'GET', '/trpc/me.get?connectionParams=nope', key, undefined, 400],
    ['the NDJSON export without a key', 'GET', '/api/assignments/export.ndjson', () => ({}), undefined, 401],
    ['the NDJSON export with a bad filter', 'GET', '/api/assignments/export.ndjson?status=nope', key, undefined, 400],
    ['the NDJSON export by POST', 'POST', '/api/assignments/export.ndjson', key, undefined, 405],
    ['/metrics without a key', 'GET', '/metrics', () => ({}), undefined, 401],
    ['sign-in without the CSRF header', 'POST', '/auth/sign-in', () => json, '{}', 403],
    ['sign-in with a body that is not JSON', 'POST', '/auth/sign-in', () => csrf, '{nope', 400],
    [
      'sign-in with a body over 16 kB',
      'POST',
      '/auth/sign-in',
      () => csrf,
      JSON.stringify({ email: 'x'.repeat(20_000) }),
      413,
    ],
    ['sign-in with the wrong fields', 'POST', '/auth/sign-in', () => csrf, '{"name":"Kari"}', 400],
    ['sign-in by GET', 'GET', '/auth/sign-in', () => ({}), undefined, 405],
    ['an unknown /auth route', 'POST', '/auth/nothing-here', () => csrf, '{}', 404],
  ];

  it.each(refusals)('%s: on both paths', async (what, method, path, headers, body, status) => {
    for (const base of [server.url, adapterOnly.url]) {
      const requestId = `refusal-${what.replace(/[^a-z0-9]+/gi, '-')}`;
      const answer = await send(method, path, { headers: { ...headers(), 'x-request-id': requestId }, body }, base);
      expect(answer.status, base).toBe(status);
      // tRPC's errors carry it in `error.data`; every other refusal is problem details.
      if (path.startsWith('/trpc/')) {
        expect(answer.headers['content-type']).toMatch(/^application\/json/);
        expect(answer.body.error?.data?.requestId, base).toBe(requestId);
      } else {
        expect(answer.headers['content-type']).toBe('application/problem+json');
        expect(answer.body.requestId, base).toBe(requestId);
      }
    }
  });

  it('answers a GET typed as form data as the query it is, on both paths', async () => {
    for (const base of [server.url, adapterOnly.url]) {
      const answer = await send(
        'GET',
        '/trpc/me.get',
        { headers: { ...key(), 'content-type': 'multipart/form-data' } },
        base,
      );
      expect(answer.status, base).toBe(200);
    }
  });
});

describe('a body that is not JSON', () => {
  it('is 415 UNSUPPORTED_MEDIA_TYPE with the request id', async () => {
    const answer = await send('POST', '/trpc/parties.create', {
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'text/plain', 'x-request-id': 'not-json' },
      body: '{"name":"Kari"}',
    });
    expect(answer.status).toBe(415);
    expect(answer.body.error?.data).toMatchObject({ errorCode: 'UNSUPPORTED_MEDIA_TYPE', requestId: 'not-json' });
  });
});

describe('a call made the wrong way (found by the fuzzer)', () => {
  const auth = () => ({ authorization: `Bearer ${server.adminKey}` });

  it('refuses a path that is not valid percent-encoding as JSON with the request id', async () => {
    for (const method of ['GET', 'POST']) {
      const answer = await send(method, '/trpc/%E0%A4%A?input=%7B%7D', {
        headers: { ...auth(), 'x-request-id': `bad-path-${method}`, 'content-type': 'application/json' },
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.body.error?.data).toMatchObject({ errorCode: 'BAD_REQUEST', requestId: `bad-path-${method}` });
    }
  });

  it('refuses a batch that mixes queries and mutations, with the request id, and runs none of it', async () => {
    const answer = await send('GET', '/trpc/assignments.list,parties.create?batch=1&input=%7B%7D', {
      headers: { ...auth(), 'x-request-id': 'mixed-batch' },
    });
    expect(answer.status).toBe(400);
    const first = (answer.body as unknown as { error: { data: Record<string, unknown> } }[])[0];
    expect(first?.error.data).toMatchObject({ errorCode: 'BAD_REQUEST', requestId: 'mixed-batch' });
  });

  it.each(['application/jsonx', 'application/json-seq'])(
    'refuses a body sent as %s with 415 and writes nothing',
    async (contentType) => {
      const answer = await send('POST', '/trpc/parties.create', {
        headers: { ...auth(), 'content-type': contentType },
        body: JSON.stringify({ name: `Not JSON ${contentType}` }),
      });
      expect(answer.status).toBe(415);
      expect(answer.body.error?.data).toMatchObject({ errorCode: 'UNSUPPORTED_MEDIA_TYPE' });
      const found = await server.admin.parties.search.query({ q: `Not JSON ${contentType}` });
      expect(found.items).toHaveLength(0);
    },
  );

  it('refuses events.subscribe sent as POST with 405, not a 200 event stream', async () => {
    const answer = await send('POST', '/trpc/events.subscribe', {
      headers: { ...auth(), 'content-type': 'application/json', 'x-request-id': 'subscribe-post' },
      body: '{}',
    });
    expect(answer.status).toBe(405);
    expect(answer.body.error?.data).toMatchObject({ errorCode: 'METHOD_NOT_SUPPORTED', requestId: 'subscribe-post' });
  });
});
