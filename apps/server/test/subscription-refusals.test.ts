import { createTakstClient, TakstError } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

// A subscription the platform will not serve is refused before any stream starts, with the
// status and JSON error of any other call, so monitoring sees the refusal and clients do not
// take it for a dropped stream.
let server: TestServer;
let readOnlyKey: string;
beforeAll(async () => {
  server = await startTestServer();
  readOnlyKey = (await server.admin.apiClients.create.mutate({ name: 'read only', scopes: ['assignments:read'] }))
    .apiKey;
});
afterAll(() => server?.close());

async function subscribe(options: { key?: string; input?: unknown; requestId: string }) {
  const url = new URL(`${server.url}/trpc/events.subscribe`);
  if (options.input !== undefined) url.searchParams.set('input', JSON.stringify(options.input));
  const headers: Record<string, string> = { accept: 'text/event-stream', 'x-request-id': options.requestId };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  const contentType = response.headers.get('content-type');
  // A stream would never end: read only what a refusal holds.
  const body = contentType?.startsWith('application/json') ? await response.json() : await response.body?.cancel();
  return { status: response.status, contentType, body };
}

describe('events.subscribe refused', () => {
  const unknownKey = `tk_${'B'.repeat(43)}`;
  const refusals: [string, () => { key?: string; input?: unknown }, number, string][] = [
    ['without a key', () => ({}), 401, 'UNAUTHENTICATED'],
    ['with an unknown key', () => ({ key: unknownKey }), 401, 'UNAUTHENTICATED'],
    ['without the events:read scope', () => ({ key: readOnlyKey }), 403, 'MISSING_SCOPE'],
    ['with bad input', () => ({ key: server.adminKey, input: { after: -1 } }), 400, 'VALIDATION_FAILED'],
  ];

  it.each(refusals)(
    '%s: refused with its status and the JSON error, not a 200 stream',
    async (name, options, status, errorCode) => {
      const requestId = name.replace(/\W+/g, '-');
      const answer = await subscribe({ ...options(), requestId });
      expect(answer.status).toBe(status);
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(answer.body).toMatchObject({
        error: { data: { errorCode, httpStatus: status, requestId, path: 'events.subscribe' } },
      });
    },
  );

  it('with a working key still streams', async () => {
    const answer = await subscribe({ key: server.adminKey, requestId: 'streams' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/event-stream/);
  });
});

describe('the SDK, refused a subscription', () => {
  it.each([
    ['an unknown key', () => `tk_${'C'.repeat(43)}`, 'UNAUTHENTICATED', 401],
    ['a key without the scope', () => readOnlyKey, 'MISSING_SCOPE', 403],
  ] as const)('with %s fails once with a TakstError and does not reconnect', async (_, key, code, httpStatus) => {
    let requests = 0;
    const client = createTakstClient({
      baseUrl: server.url,
      apiKey: key(),
      fetch: (input, init) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    const errors: unknown[] = [];
    const subscription = client.events.subscribe.subscribe({}, { onError: (error) => errors.push(error) });
    try {
      await expect.poll(() => errors.length, { timeout: 10_000 }).toBe(1);
      // Long enough for an EventSource's reconnect (it waits about a second).
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(errors).toHaveLength(1);
      expect(requests).toBe(1);
    } finally {
      subscription.unsubscribe();
    }
    expect(errors[0]).toBeInstanceOf(TakstError);
    expect(errors[0]).toMatchObject({ code, httpStatus, requestId: expect.any(String) });
  });
});
