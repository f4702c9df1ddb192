import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

// Methods and media types the API does not take: refused with a stable code and the request
// id, without a stack trace in the error log for anyone to flood it with.
let server: TestServer;
const logLines: string[] = [];
beforeAll(async () => {
  server = await startTestServer({
    env: { LOG_LEVEL: 'info' },
    logTo: { write: (line: string) => logLines.push(line) },
  });
});
afterAll(() => server?.close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { error?: { message: string; data?: Record<string, unknown>; errorCode?: string; requestId?: string } };
}

/** node:http, since fetch refuses to send TRACE. */
function send(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, headers: init.headers }, (res) => {
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
    expect(answer.body.error).toMatchObject({ errorCode: 'METHOD_NOT_SUPPORTED', requestId: 'delete-healthz' });
  });

  it('sends a query as POST or a mutation as GET back as METHOD_NOT_SUPPORTED, not INTERNAL', async () => {
    const auth = { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' };
    const queryAsPost = await send('POST', '/trpc/assignments.list', { headers: auth, body: '{}' });
    const mutationAsGet = await send('GET', '/trpc/parties.create', { headers: auth });
    for (const answer of [queryAsPost, mutationAsGet]) {
      expect(answer.status).toBe(405);
      expect(answer.body.error?.data).toMatchObject({ errorCode: 'METHOD_NOT_SUPPORTED' });
      expect(answer.body.error?.message).not.toMatch(/internal/i);
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
